import MailSettings

/// The domain's RFC 6186 SRV records: `_pop3s`, `_pop3`, `_imaps`, `_imap`, `_submissions` and
/// `_submission` under `_tcp.<domain>`, asked at once.
///
/// - Security: the implicit-TLS services (`_pop3s`, `_imaps`, `_submissions`) give `ConnectionSecurity.tls`,
///   the others `ConnectionSecurity.starttls` (RFC 6186 section 3, RFC 8314 section 5.1).
///   Implicit-TLS servers are listed first (RFC 8314's preference).
/// - Order within one service: RFC 2782's priority, lowest first. Among equal priorities
///   RFC 2782 picks at random in proportion to the weights; to give the same answer every time
///   this source puts the higher weight first instead (then the target name and port).
/// - A lone target of `.` means the service is decidedly not offered (RFC 2782): the detail
///   says so and no server is made up for it.
/// - Targets that are not valid host names are dropped (and counted in the detail).
/// - Trust: the finding is trusted only when every target it keeps lies within the user's
///   domain or came in an answer with the AD bit (DNSSEC validated by the resolver); one
///   target elsewhere without AD makes the whole finding untrusted.
/// - Status: `found` with at least one server; `failed` when no service got an answer that
///   counts (time-outs, SERVFAIL, REFUSED for all of them); `empty` otherwise (NXDOMAIN, no
///   data, or only `.` targets).
public struct SRVSource: SettingsSource {
    /// Always `srv`.
    public var id: SourceID { .srv }

    /// Creates the source.
    public init() {}

    /// One RFC 6186 service.
    public struct Service: Sendable, Hashable {
        /// The service label, such as `_imaps`.
        public var label: String
        /// The protocol it offers.
        public var `protocol`: MailProtocol
        /// How its connections are secured.
        public var security: ConnectionSecurity
    }

    /// The services asked about, in the order their servers are listed (implicit TLS first).
    public static let services: [Service] = [
        Service(label: "_pop3s", protocol: .pop3, security: .tls),
        Service(label: "_imaps", protocol: .imap, security: .tls),
        Service(label: "_submissions", protocol: .smtp, security: .tls),
        Service(label: "_pop3", protocol: .pop3, security: .starttls),
        Service(label: "_imap", protocol: .imap, security: .starttls),
        Service(label: "_submission", protocol: .smtp, security: .starttls),
    ]

    /// One SRV record's fields.
    public struct Target: Sendable, Hashable {
        /// The RFC 2782 priority (lower first).
        public var priority: UInt16
        /// The RFC 2782 weight (higher first here, among equal priorities).
        public var weight: UInt16
        /// The port.
        public var port: UInt16
        /// The target host name.
        public var host: String
    }

    /// `targets` in the deterministic RFC 2782 order: priority ascending, then weight
    /// descending, then host name and port.
    public static func ordered(_ targets: [Target]) -> [Target] {
        targets.sorted {
            if $0.priority != $1.priority { return $0.priority < $1.priority }
            if $0.weight != $1.weight { return $0.weight > $1.weight }
            if $0.host != $1.host { return $0.host < $1.host }
            return $0.port < $1.port
        }
    }

    /// Asks for every service's records and turns them into servers.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        let domain = query.domain
        let answers = await withTaskGroup(of: (Int, Result<DNSAnswer, DNSResolveError>).self) { group in
            for (index, service) in Self.services.enumerated() {
                group.addTask {
                    do throws(DNSResolveError) {
                        return (index, .success(try await context.dns.query("\(service.label)._tcp.\(domain.ascii)", type: .srv)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers: [Int: Result<DNSAnswer, DNSResolveError>] = [:]
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }

        var servers: [ServerSettings] = []
        var found: [String] = []
        var notOffered: [String] = []
        var none: [String] = []
        var failures: [String] = []
        var dropped: [String] = []
        var untrusted: [String] = []
        for (index, service) in Self.services.enumerated() {
            let name = "\(service.label)._tcp"
            switch answers[index] {
            case .none:
                failures.append("\(name): no answer")
            case .failure(let error):
                failures.append("\(name): \(error.description)")
            case .success(let answer):
                guard answer.rcode == .noError || answer.rcode == .nameError else {
                    failures.append("\(name): \(answer.rcode)")
                    continue
                }
                var targets: [Target] = []
                var dot = false
                for record in answer.matchingRecords {
                    guard case .srv(let priority, let weight, let port, let target) = record.data else { continue }
                    if target == "." || target.isEmpty {
                        dot = true
                        continue
                    }
                    guard port != 0, let host = try? DomainName(target) else {
                        dropped.append("\(target):\(port)")
                        continue
                    }
                    targets.append(Target(priority: priority, weight: weight, port: port, host: host.ascii))
                }
                if targets.isEmpty {
                    if dot {
                        notOffered.append(name)
                    } else {
                        none.append(name)
                    }
                    continue
                }
                var shown: [String] = []
                for target in Self.ordered(targets) {
                    let inside = target.host == domain.ascii || target.host.hasSuffix("." + domain.ascii)
                    if !inside && !answer.authenticData { untrusted.append(target.host) }
                    servers.append(ServerSettings(
                        protocol: service.protocol, hostname: target.host, port: Int(target.port),
                        security: service.security, username: "%EMAILADDRESS%"
                    ))
                    shown.append("\(target.host):\(target.port)")
                }
                found.append("\(name) \(shown.joined(separator: ", "))")
            }
        }

        var parts = found
        if !notOffered.isEmpty {
            parts.append("not offered (target \".\"): \(notOffered.joined(separator: ", "))")
        }
        if !none.isEmpty { parts.append("no record: \(none.joined(separator: ", "))") }
        parts += failures
        if !dropped.isEmpty { parts.append("dropped invalid targets: \(dropped.joined(separator: ", "))") }
        if !untrusted.isEmpty {
            parts.append("not trusted: \(Set(untrusted).sorted().joined(separator: ", ")) outside \(domain.ascii) without DNSSEC (AD)")
        }
        let detail = "SRV under \(domain.ascii): " + parts.joined(separator: "; ")
        guard !servers.isEmpty else {
            let answered = Self.services.count - failures.count
            return SourceOutcome(status: answered == 0 ? .failed : .empty, detail: detail)
        }
        let finding = SourceFinding(
            source: id, trusted: untrusted.isEmpty, confidence: .high, servers: servers
        )
        return SourceOutcome(status: .found, detail: detail, finding: finding)
    }
}
