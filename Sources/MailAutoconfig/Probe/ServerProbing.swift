import MailSettings

/// Something that talks to a mail server to see what it really does: ``NIOServerProber`` over
/// the network, or a stand-in in tests.
///
/// A probe never throws: what happens, up to the first problem, is in the `ProbeObservation`
/// (`MailSettings`), which `DiagnosisRules` turns into advice.
public protocol ServerProbing: Sendable {
    /// Connects to `target.server`, has the protocol conversation (greeting, capabilities,
    /// STARTTLS when the security says so, a login when credentials are given) and reports
    /// every step.
    func probe(_ target: ProbeTarget) async -> ProbeObservation
}

/// What to probe, and how far to go.
public struct ProbeTarget: Sendable, Hashable {
    /// The server: protocol, host name, port and security.
    public var server: ServerSettings
    /// When given, the probe logs in; the password is never logged or reported.
    public var credentials: Credentials?
    /// The time the whole probe may take.
    public var timeout: Duration

    /// A target from its parts.
    public init(server: ServerSettings, credentials: Credentials? = nil, timeout: Duration = .seconds(10)) {
        self.server = server
        self.credentials = credentials
        self.timeout = timeout
    }
}

extension ServerProbing {
    /// Probes every target, at most `limit` at a time; the observations keep the targets' order.
    public func probe(all targets: [ProbeTarget], atMost limit: Int = 16) async -> [ProbeObservation] {
        var observations: [Int: ProbeObservation] = [:]
        await withTaskGroup(of: (Int, ProbeObservation).self) { group in
            var next = 0
            func startNext() {
                guard next < targets.count else { return }
                let index = next
                let target = targets[index]
                group.addTask { (index, await self.probe(target)) }
                next += 1
            }
            for _ in 0..<min(max(limit, 1), targets.count) { startNext() }
            for await (index, observation) in group {
                observations[index] = observation
                startNext()
            }
        }
        return targets.indices.map { observations[$0]! }
    }
}
