/// One server offer in a lookup result, with where it came from and how much to trust it.
///
/// Encodes to JSON flat, as the CLI contract shows: the server fields, then
/// `alternativeUsernames` (only when there are any), `sources`, `trusted`, `score`, `reasons`
/// and `probe` (only when the server was probed).
public struct Candidate: Sendable, Hashable, Codable {
    /// The server to connect to, with the user name resolved when an address was given.
    public var settings: ServerSettings
    /// Every source that offered this server, best first.
    public var sources: [SourceID]
    /// True when at least one source that offered it is trusted (HTTPS, the bundled base, signed DNS).
    public var trusted: Bool
    /// 0…1, higher is better; candidates are sorted by it.
    public var score: Double
    /// Why the score is what it is, in the requested language.
    public var reasons: [String]
    /// Other user names to try when the server refuses `settings.username`: what the other sources
    /// that offered this server give (typically the local part where the best source says the
    /// full address, or the other way round), best source first; empty when they all agree.
    public var alternativeUsernames: [String]
    /// What a probe of this server showed, when it was probed (`lookup --probe`).
    public var probe: ProbeSummary?

    /// Creates a candidate.
    public init(
        settings: ServerSettings, sources: [SourceID], trusted: Bool, score: Double, reasons: [String] = [],
        alternativeUsernames: [String] = []
    ) {
        self.settings = settings
        self.sources = sources
        self.trusted = trusted
        self.score = score
        self.reasons = reasons
        self.alternativeUsernames = alternativeUsernames
    }

    private enum CodingKeys: String, CodingKey {
        case alternativeUsernames, sources, trusted, score, reasons, probe
    }

    /// Decodes the value from its JSON form.
    public init(from decoder: any Decoder) throws {
        settings = try ServerSettings(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sources = try container.decode([SourceID].self, forKey: .sources)
        trusted = try container.decode(Bool.self, forKey: .trusted)
        score = try container.decode(Double.self, forKey: .score)
        reasons = try container.decodeIfPresent([String].self, forKey: .reasons) ?? []
        alternativeUsernames = try container.decodeIfPresent([String].self, forKey: .alternativeUsernames) ?? []
        probe = try container.decodeIfPresent(ProbeSummary.self, forKey: .probe)
    }

    /// Encodes the value in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        try settings.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !alternativeUsernames.isEmpty {
            try container.encode(alternativeUsernames, forKey: .alternativeUsernames)
        }
        try container.encode(sources, forKey: .sources)
        try container.encode(trusted, forKey: .trusted)
        try container.encode(score, forKey: .score)
        try container.encode(reasons, forKey: .reasons)
        try container.encodeIfPresent(probe, forKey: .probe)
    }
}
