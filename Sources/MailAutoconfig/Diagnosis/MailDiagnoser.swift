import Logging
import MailSettings

/// Checks an address's mail setup the way a support expert would: finds the settings, then talks
/// to the servers — the person's own incoming server when given, else the best one found — and
/// to the SMTP server on ports 465, 587 and 25, all at once, and says what is wrong and what to do.
///
/// ```swift
/// let diagnoser = MailDiagnoser(resolver: try AutoconfigResolver(), prober: try NIOServerProber())
/// let report = await diagnoser.diagnose(query, input: text, current: nil, credentials: nil)
/// for verdict in report.verdicts { print(verdict.id, verdict.cause, verdict.fix) }
/// ```
public struct MailDiagnoser: Sendable {
    /// Finds the candidate settings.
    public var resolver: AutoconfigResolver
    /// Talks to the servers.
    public var prober: any ServerProbing
    /// The time each probe may take.
    public var probeTimeout: Duration

    /// Creates a diagnoser.
    public init(resolver: AutoconfigResolver, prober: any ServerProbing, probeTimeout: Duration = .seconds(10)) {
        self.resolver = resolver
        self.prober = prober
        self.probeTimeout = probeTimeout
    }

    /// The SMTP ports checked, with the security each one uses.
    public static let smtpPorts: [(port: Int, security: ConnectionSecurity)] = [(465, .tls), (587, .starttls), (25, .starttls)]

    /// Diagnoses the setup of `query`.
    ///
    /// - Parameters:
    ///   - query: the address to diagnose.
    ///   - input: the text as typed, echoed in the report.
    ///   - current: the person's incoming (or outgoing) server, when they gave one.
    ///   - credentials: when given, every server is asked to log in with them.
    ///   - options: how the settings are looked up.
    public func diagnose(
        _ query: MailQuery, input: String, current: ServerSettings?, credentials: Credentials?,
        options: ResolverOptions = ResolverOptions()
    ) async -> DiagnosisReport {
        let lookup = await resolver.resolve(query, input: input, options: options)
        let language = options.lookup.language
        let preferred = options.lookup.preferredIncoming
        let bestIncoming = (lookup.incoming.first { $0.settings.protocol == preferred } ?? lookup.incoming.first)?.settings
        let incoming = current.flatMap { $0.protocol.isIncoming ? $0 : nil } ?? bestIncoming
        let smtpHost = current.flatMap { $0.protocol == .smtp ? $0.hostname : nil } ?? lookup.outgoing.first?.settings.hostname

        var targets: [(DiagnosisReport.Role, ServerSettings)] = []
        if let incoming { targets.append((.incoming, incoming)) }
        if let current, current.protocol == .smtp { targets.append((.outgoing, current)) }
        if let smtpHost {
            for (port, security) in Self.smtpPorts {
                let server = ServerSettings(
                    protocol: .smtp, hostname: smtpHost, port: port, security: security, username: credentials?.username ?? "")
                if !targets.contains(where: { $0.1.identity == server.identity }) { targets.append((.outgoing, server)) }
            }
        }
        var checks = await probe(targets, credentials: credentials, language: language)

        var comparison: Verdict?
        if let current, let best = current.protocol.isIncoming ? bestIncoming : lookup.outgoing.first?.settings,
            current.identity != best.identity
        {
            let currentCheck = current.protocol.isIncoming
                ? checks.first { $0.role == .incoming }
                : checks.first { $0.role == .outgoing && $0.observation.server.identity == current.identity }
            let currentWorks = currentCheck?.observation.succeeded ?? false
            if current.protocol.isIncoming, !currentWorks {
                checks += await probe([(.recommended, best)], credentials: credentials, language: language)
            }
            var verdict = DiagnosisRules.compare(current: current, with: best, language: language)
            if currentWorks { verdict.severity = .warning }
            comparison = verdict
        } else if let current {
            comparison = DiagnosisRules.compare(current: current, with: current, language: language)
        }
        // Port 25 is only a problem when no other SMTP port works: many networks block it on purpose.
        let smtpWorks = checks.contains { $0.role == .outgoing && $0.observation.server.port != 25 && $0.observation.succeeded }
        for index in checks.indices where checks[index].role == .outgoing && checks[index].observation.server.port == 25 {
            if smtpWorks, checks[index].verdict.severity == .problem { checks[index].verdict.severity = .warning }
        }
        var findings: [Verdict] = []
        if incoming == nil {
            findings.append(Self.nothingFound(language, incoming: true))
        }
        if smtpHost == nil {
            findings.append(Self.nothingFound(language, incoming: false))
        }
        return DiagnosisReport(lookup: lookup, checks: checks, comparison: comparison, findings: findings)
    }

    /// Probes every target at once; the checks keep the targets' order.
    private func probe(
        _ targets: [(DiagnosisReport.Role, ServerSettings)], credentials: Credentials?, language: Language
    ) async -> [DiagnosisReport.Check] {
        let observations = await prober.probe(
            all: targets.map { ProbeTarget(server: $0.1, credentials: credentials, timeout: probeTimeout) })
        return zip(targets, observations).map { target, observation in
            DiagnosisReport.Check(
                role: target.0, observation: observation, verdict: DiagnosisRules.verdict(for: observation, language: language))
        }
    }

    private static func nothingFound(_ language: Language, incoming: Bool) -> Verdict {
        let es = language == .spanish
        return Verdict(
            id: incoming ? "no-incoming-server" : "no-outgoing-server", severity: .problem, subject: "",
            cause: incoming
                ? (es ? "No se encontró ningún servidor de correo entrante para esta dirección." : "No incoming mail server was found for this address.")
                : (es ? "No se encontró ningún servidor de correo saliente para esta dirección." : "No outgoing mail server was found for this address."),
            fix: es
                ? "Indica el servidor que te dio tu proveedor (--server, --port, --security) para comprobarlo."
                : "Give the server your provider told you (--server, --port, --security) to check it.")
    }
}
