import Logging
import MailSettings
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The default ``ServerProbing``: resolves the host through a ``DNSResolving``, connects the
/// Happy Eyeballs way, does implicit TLS or STARTTLS with the certificate and host name checked,
/// and drives the protocol's state machine (`POP3Session`, `IMAPSession`, `SMTPSession`) over
/// the connection, timing every step.
///
/// ```swift
/// let prober = try NIOServerProber(dns: NIODNSResolver(configuration: try .system()))
/// let server = ServerSettings(protocol: .pop3, hostname: "pop.example.com", port: 995, security: .tls, username: "")
/// let observation = await prober.probe(ProbeTarget(server: server))
/// print(DiagnosisRules.verdict(for: observation, language: .english).cause)
/// ```
///
/// A server that says nothing within ``greetingTimeout`` after the connection (typically a TLS
/// port spoken to without TLS) is reported as silent; the whole probe ends at
/// ``ProbeTarget/timeout``. Cancelling the calling task closes the connection at once.
public struct NIOServerProber: ServerProbing {
    /// Where connections go instead of where DNS says (`--resolve`, `--connect-to`).
    public var addressMapping: AddressMapping
    /// Who resolves host names (A and AAAA).
    public var dns: any DNSResolving
    /// How long a server may stay silent after the connection before it is called silent.
    public var greetingTimeout: Duration
    /// The name sent in SMTP's EHLO.
    public var clientName: String
    /// Where the prober logs each step (at debug level); passwords never reach it.
    public var logger: Logger

    private let sslContext: NIOSSLContext
    private let eventLoopGroup: any EventLoopGroup

    /// Creates a prober.
    ///
    /// - Parameters:
    ///   - additionalTrustRootsPEM: PEM certificates trusted besides the system's roots (`--cacert`).
    ///   - addressMapping: connection overrides; none by default.
    ///   - dns: the resolver for host names; the system's configuration (`/etc/resolv.conf`) by default.
    ///   - greetingTimeout: how long to wait for a first word from the server (5 s by default).
    ///   - clientName: the name for SMTP's EHLO (`localhost` by default).
    ///   - eventLoopGroup: the event loops to run on.
    ///   - logger: where to log; nothing is logged by default.
    /// - Throws: ``HTTPFetchError`` with ``HTTPFetchError/Code/invalidTrustRoots`` for a bad PEM.
    public init(
        additionalTrustRootsPEM: [String] = [],
        addressMapping: AddressMapping = AddressMapping(),
        dns: (any DNSResolving)? = nil,
        greetingTimeout: Duration = .seconds(5),
        clientName: String = "localhost",
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mail-autoconfig.probe", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(HTTPFetchError) {
        self.sslContext = try TLSSupport.clientContext(additionalTrustRootsPEM: additionalTrustRootsPEM, logger: logger)
        self.addressMapping = addressMapping
        self.dns = dns ?? NIODNSResolver(configuration: (try? DNSConfiguration.system()) ?? DNSConfiguration(servers: []))
        self.greetingTimeout = greetingTimeout
        self.clientName = clientName
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Probes one server; see ``ServerProbing/probe(_:)``.
    public func probe(_ target: ProbeTarget) async -> ProbeObservation {
        var run = ProbeRun(target: target, prober: self)
        await run.perform()
        logger.debug("probe finished", metadata: [
            "server": "\(target.server.hostname):\(target.server.port)",
            "steps": "\(run.observation.steps.map { "\($0.kind.rawValue)=\($0.passed)" }.joined(separator: " "))",
        ])
        return run.observation
    }

    fileprivate var context: NIOSSLContext { sslContext }
    fileprivate var group: any EventLoopGroup { eventLoopGroup }
}

/// One probe, step by step; what it learns goes into ``observation``.
private struct ProbeRun {
    let target: ProbeTarget
    let prober: NIOServerProber
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    var observation: ProbeObservation
    var stepStart: ContinuousClock.Instant

    init(target: ProbeTarget, prober: NIOServerProber) {
        self.target = target
        self.prober = prober
        start = clock.now
        stepStart = start
        observation = ProbeObservation(server: target.server)
    }

    var deadline: ContinuousClock.Instant { start + target.timeout }
    var server: ServerSettings { target.server }

    /// Records a step that ends now.
    mutating func record(_ kind: ProbeStep.Kind, passed: Bool, _ detail: String) {
        let now = clock.now
        observation.steps.append(ProbeStep(kind: kind, passed: passed, ms: Int((now - stepStart) / .milliseconds(1)), detail: detail))
        stepStart = now
    }

    mutating func fail(_ kind: ProbeStep.Kind, _ problem: ProbeProblem, _ detail: String) {
        record(kind, passed: false, detail)
        observation.problem = problem
    }

    mutating func perform() async {
        let mapped = prober.addressMapping.target(host: server.hostname, port: server.port)
        guard let addresses = await resolve(mapped.host, port: mapped.port) else { return }
        guard let channel = await connect(mapped.host, port: mapped.port, addresses: addresses) else { return }
        await converse(on: channel)
    }

    // MARK: DNS

    mutating func resolve(_ host: String, port: Int) async -> [SocketAddress]? {
        if let literal = try? SocketAddress(ipAddress: host, port: port) {
            observation.addresses = [host]
            record(.dns, passed: true, "\(host) is an address")
            return [literal]
        }
        let dns = prober.dns
        let answer = await Deadline.run(until: deadline) { () async -> (v6: Result<[[UInt8]], DNSResolveError>, v4: Result<[[UInt8]], DNSResolveError>) in
            async let v6 = Result(catching: { () async throws(DNSResolveError) in try await dns.packedAddresses(of: host, family: .aaaa) })
            async let v4 = Result(catching: { () async throws(DNSResolveError) in try await dns.packedAddresses(of: host, family: .a) })
            return await (v6, v4)
        }
        guard let answer else {
            fail(.dns, .timedOut(step: .dns), "no answer from DNS in time")
            return nil
        }
        var addresses: [SocketAddress] = []
        for packed in [answer.v6, answer.v4].compactMap({ try? $0.get() }).joined() {
            var buffer = ByteBuffer()
            buffer.writeBytes(packed)
            if let address = try? SocketAddress(packedIPAddress: buffer, port: port) { addresses.append(address) }
        }
        observation.addresses = addresses.compactMap(\.ipAddress)
        guard !addresses.isEmpty else {
            let reasons = [answer.v6, answer.v4].compactMap { result -> String? in
                if case .failure(let error) = result { return error.reason }
                return nil
            }
            let detail = Set(reasons).sorted().joined(separator: "; ")
            let text = detail.isEmpty ? "no A or AAAA record" : detail
            fail(.dns, .noAddress(detail: text), "\(host): \(text)")
            return nil
        }
        record(.dns, passed: true, "\(host): \(observation.addresses.joined(separator: ", "))")
        return addresses
    }

    // MARK: Connection and implicit TLS

    mutating func connect(_ host: String, port: Int, addresses: [SocketAddress]) async -> NIOAsyncChannel<ByteBuffer, ByteBuffer>? {
        let eventLoop = prober.group.next()
        let remaining = deadline - clock.now
        guard remaining > .zero else {
            fail(.connect, .timedOut(step: .connect), "no time left to connect")
            return nil
        }
        let implicitTLS = server.security == .tls
        let handshake = eventLoop.makePromise(of: Void.self)
        let sslContext = prober.context
        let serverName = AddressMapping.isIPAddress(server.hostname) ? nil : server.hostname
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(remaining))
            .resolver(FixedAddressResolver(addresses: addresses, eventLoop: eventLoop))
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await bootstrap.connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatcher(promise: handshake))
                    } else {
                        handshake.succeed(())
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            handshake.succeed(())
            let (problem, detail) = Self.connectProblem(error)
            fail(.connect, problem, detail)
            return nil
        }
        let remote = channel.channel.remoteAddress
        observation.connectedAddress = remote?.ipAddress
        record(.connect, passed: true, "connected to \(observation.connectedAddress ?? host) port \(port)")
        guard implicitTLS else { return channel }
        if await handshakeSucceeded(channel.channel, handshake.futureResult) { return channel }
        try? await channel.channel.close()
        // Some servers hang up on a ClientHello without a word: a plain connection tells whether
        // the port greets in plain text, that is, whether TLS was chosen for a STARTTLS port.
        if case .tlsFailed? = observation.problem, let remote, let greeting = await plainGreeting(remote),
            ["+OK", "* OK", "220"].contains(where: { greeting.hasPrefix($0) })
        {
            observation.problem = .tlsOnPlainPort
            observation.steps[observation.steps.count - 1].detail += "; a plain connection is greeted with “\(Self.clip(greeting))”"
        }
        return nil
    }

    /// The first line a server sends on a plain connection, if it sends one before the greeting time.
    func plainGreeting(_ address: SocketAddress) async -> String? {
        let limit = min(clock.now + prober.greetingTimeout, deadline)
        let group = prober.group
        return await Deadline.run(until: limit) { () async -> String? in
            guard let channel = try? await ClientBootstrap(group: group).connect(to: address, channelInitializer: { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }) else { return nil }
            return try? await channel.executeThenClose { inbound, _ in
                var framer = LineFramer(maximumLineBytes: 1024)
                for try await buffer in inbound {
                    if let line = (try? framer.append(buffer.readableBytesView))?.first { return line }
                }
                return nil
            }
        } ?? nil
    }

    /// Waits for a TLS handshake (the deadline closes the connection); records the tls step.
    mutating func handshakeSucceeded(_ channel: any Channel, _ done: EventLoopFuture<Void>) async -> Bool {
        let closer = channel.eventLoop.scheduleTask(deadline: NIODeadline.now() + TimeAmount(max(deadline - clock.now, .zero))) {
            channel.close(promise: nil)
        }
        defer { closer.cancel() }
        do {
            try await done.get()
        } catch {
            if clock.now >= deadline {
                fail(.tls, .timedOut(step: .tls), "the TLS handshake did not finish in time")
                return false
            }
            let failure = error as? TLSHandshakeWatcher.Failure
            switch TLSSupport.classify(failure?.underlying ?? error, peerCertificate: nil) {
            case .hostnameMismatch(let seen)?:
                let names = failure?.certificateNames ?? seen
                let detail = names.isEmpty ? "it names other hosts" : "it is for \(names.joined(separator: ", "))"
                fail(.tls, .certificateNameMismatch(detail: detail), "certificate not valid for \(server.hostname): \(detail)")
            case .untrusted?:
                fail(.tls, .certificateUntrusted(detail: "unknown or self-signed authority, or expired"), "certificate not trusted")
            case .notTLS?:
                fail(.tls, .tlsOnPlainPort, "the server answered the TLS handshake in plain text")
            case .handshake(let reason)?:
                fail(.tls, .tlsFailed(detail: reason), "TLS handshake failed: \(reason)")
            case nil:
                let underlying = failure?.underlying ?? error
                fail(.tls, .tlsFailed(detail: "\(underlying)"), "TLS handshake failed: \(underlying)")
            }
            return false
        }
        let version = try? await channel.nioSSL_tlsVersion().get()
        observation.tlsVersion = version.map(Self.name(of:))
        record(.tls, passed: true, "TLS established (\(observation.tlsVersion ?? "unknown version")), certificate valid for \(server.hostname)")
        return true
    }

    static func name(of version: TLSVersion) -> String {
        switch version {
        case .tlsv1: "TLSv1.0"
        case .tlsv11: "TLSv1.1"
        case .tlsv12: "TLSv1.2"
        case .tlsv13: "TLSv1.3"
        }
    }

    static func connectProblem(_ error: any Error) -> (ProbeProblem, String) {
        if let error = error as? NIOConnectionError {
            let errors = error.connectionErrors.map(\.error)
            if errors.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                return (.connectionRefused, "connection refused")
            }
            if errors.contains(where: { if case .connectTimeout? = $0 as? ChannelError { return true } else { return false } }) {
                return (.connectTimedOut, "no answer to the connection attempt")
            }
            let detail = errors.map { "\($0)" }.joined(separator: "; ")
            return (.connectFailed(detail: detail.isEmpty ? "\(error)" : detail), detail.isEmpty ? "\(error)" : detail)
        }
        if case .connectTimeout? = error as? ChannelError {
            return (.connectTimedOut, "no answer to the connection attempt")
        }
        if (error as? IOError)?.errnoCode == ECONNREFUSED {
            return (.connectionRefused, "connection refused")
        }
        return (.connectFailed(detail: "\(error)"), "\(error)")
    }

    // MARK: The conversation

    mutating func converse(on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        var session: any MailSession
        let goal = SessionGoal(startTLS: server.security == .starttls, credentials: target.credentials)
        switch server.protocol {
        case .pop3: session = POP3Session(goal: goal)
        case .imap: session = IMAPSession(goal: goal)
        case .smtp: session = SMTPSession(goal: goal, clientName: prober.clientName)
        }
        let watch = ConnectionWatch()
        let raw = channel.channel
        // The deadline, and the silence after connecting, close the connection; reads then end.
        let overall = raw.eventLoop.scheduleTask(deadline: NIODeadline.now() + TimeAmount(max(deadline - clock.now, .zero))) {
            watch.mark(.deadline)
            raw.close(promise: nil)
        }
        let silence = raw.eventLoop.scheduleTask(in: TimeAmount(min(prober.greetingTimeout, max(deadline - clock.now, .zero)))) {
            if watch.mark(.silence, unlessHeard: true) { raw.close(promise: nil) }
        }
        defer {
            overall.cancel()
            silence.cancel()
        }

        var phase = ProbeStep.Kind.greeting
        var result: SessionResult?
        // The framer's own words when a line is too long: they name the limit.
        var lineProblem: String?
        do {
            try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound, outbound in
                    var iterator = inbound.makeAsyncIterator()
                    var framer = LineFramer()
                    var lines: [String] = []
                    var step = session.start()
                    while result == nil {
                        switch step {
                        case .read:
                            if !lines.isEmpty {
                                let line = lines.removeFirst()
                                if phase == .greeting {
                                    record(.greeting, passed: true, Self.clip(line))
                                    phase = .capabilities
                                }
                                step = session.receive(line)
                                continue
                            }
                            guard let buffer = try await iterator.next() else {
                                step = session.connectionClosed()
                                continue
                            }
                            watch.heard()
                            do throws(ProtocolError) {
                                lines += try framer.append(buffer.readableBytesView)
                            } catch {
                                lines += error.completeLines
                                lineProblem = error.description
                                step = session.lineTooLong()
                            }
                        case .send(let line):
                            if let next = Self.phase(ofCommand: line), next != phase {
                                if phase != .greeting { record(phase, passed: true, Self.phaseDetail(phase, session.result)) }
                                phase = next
                            }
                            try await outbound.write(ByteBuffer(string: line + "\r\n"))
                            step = .read
                        case .startTLS:
                            record(.startTLS, passed: true, "the server agreed to STARTTLS")
                            phase = .tls
                            if try await !upgrade(raw) { return }
                            phase = .capabilities
                            step = session.tlsEstablished()
                        case .close(let final):
                            result = final
                        }
                    }
                }
            } onCancel: {
                raw.close(promise: nil)
            }
        } catch {
            // The connection ended under the conversation: the deadline, the silence, TLS, or the peer.
            if observation.problem == nil, case .close(let final) = session.connectionClosed() {
                result = final
            }
        }
        let final = result ?? session.result
        observation.session = final
        guard observation.problem == nil else { return }
        switch watch.reason {
        case .silence?:
            fail(.greeting, .silentServer, "the server said nothing within \(prober.greetingTimeout)")
            return
        case .deadline?:
            fail(phase, .timedOut(step: phase), "no answer in time")
            return
        case nil:
            break
        }
        if let failure = final.failure {
            let kind: ProbeStep.Kind = switch failure.kind {
            case .badGreeting, .notThisProtocol: .greeting
            case .startTLSNotOffered, .startTLSRefused: .startTLS
            default: phase
            }
            let said = failure.kind == .lineTooLong ? lineProblem : nil
            fail(kind, .session(failure), failure.reply.map(Self.clip) ?? said ?? failure.kind.rawValue)
            return
        }
        if case .rejected(let rejection, let reply)? = final.login {
            fail(.login, .loginRejected(rejection, reply: reply), Self.clip(reply))
            return
        }
        if phase != .greeting, observation.steps.last?.kind != phase {
            record(phase, passed: true, Self.phaseDetail(phase, final))
        }
    }

    /// STARTTLS: puts TLS in front of the conversation and waits for the handshake.
    mutating func upgrade(_ channel: any Channel) async throws -> Bool {
        let sslContext = prober.context
        let serverName = AddressMapping.isIPAddress(server.hostname) ? nil : server.hostname
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: sslContext, serverHostname: serverName), position: .first)
            let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
            try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatcher(promise: handshake), position: .after(tls))
        }.get()
        return await handshakeSucceeded(channel, handshake.futureResult)
    }

    /// The step a command starts, from its first word.
    static func phase(ofCommand line: String) -> ProbeStep.Kind? {
        let words = line.uppercased().split(separator: " ")
        // IMAP commands carry a tag first.
        let word = words.first.map { $0.count <= 3 && $0.first == "A" && words.count > 1 ? words[1] : $0 } ?? ""
        switch word {
        case "CAPA", "EHLO", "HELO", "CAPABILITY": return .capabilities
        case "STLS", "STARTTLS": return .startTLS
        case "USER", "PASS", "AUTH", "AUTHENTICATE", "LOGIN": return .login
        default: return nil
        }
    }

    static func phaseDetail(_ phase: ProbeStep.Kind, _ result: SessionResult) -> String {
        switch phase {
        case .capabilities:
            let mechanisms = result.authenticationMechanisms.isEmpty ? "" : "; sign-in: \(result.authenticationMechanisms.joined(separator: " "))"
            return "\(result.capabilities.count) capabilities\(result.startTLSOffered ? ", STARTTLS offered" : "")\(mechanisms)"
        case .login:
            return "signed in"
        default:
            return "done"
        }
    }

    static func clip(_ text: String) -> String {
        let line = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        return line.count > 200 ? String(line.prefix(197)) + "…" : line
    }
}

/// What ended a connection from our side, shared with the timers on the event loop.
private final class ConnectionWatch: Sendable {
    enum Reason: Sendable { case deadline, silence }
    private let state = Mutex<(heard: Bool, reason: Reason?)>((false, nil))

    /// Notes that the server said something.
    func heard() { state.withLock { $0.heard = true } }

    /// Records why the connection is being closed; with `unlessHeard`, only when the server has
    /// said nothing yet. Returns whether it was recorded.
    @discardableResult
    func mark(_ reason: Reason, unlessHeard: Bool = false) -> Bool {
        state.withLock { state in
            if unlessHeard, state.heard { return false }
            if state.reason == nil { state.reason = reason }
            return true
        }
    }

    var reason: Reason? { state.withLock { $0.reason } }
}

/// Runs an operation against a deadline.
enum Deadline {
    /// The operation's value, or nil when `deadline` came first (the operation is then cancelled).
    static func run<Value: Sendable>(
        until deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async -> Value
    ) async -> Value? {
        await withTaskGroup(of: Value?.self) { group in
            group.addTask { await operation() }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: ContinuousClock())
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

extension Result where Failure == DNSResolveError {
    /// Catches a typed error into a result.
    init(catching body: () async throws(DNSResolveError) -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
