/// What one source found for a domain, before the findings of all sources are merged and ranked.
public struct SourceFinding: Sendable, Hashable {
    /// Which source.
    public var source: SourceID
    /// True when the answer could not have been altered on the way (HTTPS, the bundled base, DNSSEC).
    public var trusted: Bool
    /// How sure the source itself is.
    public var confidence: Provider.Confidence
    /// The provider, when the source knows it.
    public var provider: LookupResult.ProviderSummary?
    /// Servers in the source's order of preference; placeholders such as `%EMAILDOMAIN%` as written.
    public var servers: [ServerSettings]
    /// Notes the source asks for.
    public var notes: [NoteRequest]

    /// Creates a finding.
    public init(
        source: SourceID,
        trusted: Bool,
        confidence: Provider.Confidence,
        provider: LookupResult.ProviderSummary? = nil,
        servers: [ServerSettings],
        notes: [NoteRequest] = []
    ) {
        self.source = source
        self.trusted = trusted
        self.confidence = confidence
        self.provider = provider
        self.servers = servers
        self.notes = notes
    }
}
