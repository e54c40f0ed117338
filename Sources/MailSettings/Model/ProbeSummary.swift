/// What a probe of a candidate showed, in short: whether the server answered as it should, the
/// verdict's id and words, and what it offers.
public struct ProbeSummary: Sendable, Hashable, Codable {
    /// Whether the server was reachable and its conversation (STARTTLS included) worked.
    public var passed: Bool
    /// The verdict's stable id (`server-ok`, `connection-refused`, `tls-on-plain-port`…).
    public var verdict: String
    /// The verdict's cause, in the lookup's language.
    public var detail: String
    /// The TLS version agreed on, when TLS was established.
    public var tlsVersion: String?
    /// Whether the server advertised STARTTLS (STLS).
    public var startTLSOffered: Bool
    /// The sign-in mechanisms it advertised (`PLAIN`, `LOGIN`, `XOAUTH2`…).
    public var authentication: [String]
    /// How long the probe took, in milliseconds.
    public var ms: Int

    /// A summary from its parts.
    public init(
        passed: Bool, verdict: String, detail: String, tlsVersion: String? = nil, startTLSOffered: Bool = false,
        authentication: [String] = [], ms: Int = 0
    ) {
        self.passed = passed
        self.verdict = verdict
        self.detail = detail
        self.tlsVersion = tlsVersion
        self.startTLSOffered = startTLSOffered
        self.authentication = authentication
        self.ms = ms
    }

    /// The summary of an observation, with the verdict's words in `language`.
    public init(observation: ProbeObservation, language: Language) {
        let verdict = DiagnosisRules.verdict(for: observation, language: language)
        self.init(
            passed: observation.succeeded, verdict: verdict.id, detail: verdict.cause, tlsVersion: observation.tlsVersion,
            startTLSOffered: observation.session?.startTLSOffered ?? false,
            authentication: observation.session?.authenticationMechanisms ?? [],
            ms: observation.steps.reduce(0) { $0 + $1.ms })
    }
}
