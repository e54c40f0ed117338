/// Everything a diagnosis found: the settings looked up, every server checked with its verdict,
/// and how the person's own settings compare.
public struct DiagnosisReport: Sendable, Hashable {
    /// What a checked server was checked as.
    public enum Role: String, Sendable, Hashable, Codable {
        /// The incoming server the person gave (`--server`), or the best one found.
        case incoming
        /// The best incoming server found, checked because the person's own did not work.
        case recommended
        /// An outgoing (SMTP) server, on one of its ports.
        case outgoing
    }

    /// One server checked.
    public struct Check: Sendable, Hashable {
        /// What it was checked as.
        public var role: Role
        /// What the probe saw.
        public var observation: ProbeObservation
        /// What that means.
        public var verdict: Verdict

        /// A check from its parts.
        public init(role: Role, observation: ProbeObservation, verdict: Verdict) {
            self.role = role
            self.observation = observation
            self.verdict = verdict
        }
    }

    /// The settings looked up for the address.
    public var lookup: LookupResult
    /// Every server checked, incoming first.
    public var checks: [Check]
    /// The person's settings against the ones that work, when the person gave theirs.
    public var comparison: Verdict?
    /// Problems found before any server was asked (no server known, say).
    public var findings: [Verdict]

    /// A report from its parts.
    public init(lookup: LookupResult, checks: [Check], comparison: Verdict? = nil, findings: [Verdict] = []) {
        self.lookup = lookup
        self.checks = checks
        self.comparison = comparison
        self.findings = findings
    }

    /// Every verdict, in the order to show them.
    public var verdicts: [Verdict] { findings + checks.map(\.verdict) + (comparison.map { [$0] } ?? []) }

    /// True when nothing is a problem (warnings allowed).
    public var passed: Bool { !verdicts.contains { $0.severity == .problem } }
}
