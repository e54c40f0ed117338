/// The answer to "which servers, and what must the person do first?" for one address or domain.
///
/// Its JSON form is the CLI contract of `autoconf-lookup --json`.
public struct LookupResult: Sendable, Hashable, Codable {
    /// What was asked, normalised.
    public struct Query: Sendable, Hashable, Codable {
        /// The text as the person typed it.
        public var input: String
        /// The mail domain in ASCII (punycode for IDN).
        public var domain: String
        /// The part before the @, or nil when only a domain was given.
        public var localPart: String?

        /// Creates a query description.
        public init(input: String, domain: String, localPart: String?) {
            self.input = input
            self.domain = domain
            self.localPart = localPart
        }

        /// Encodes the value in its JSON form.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(input, forKey: .input)
            try container.encode(domain, forKey: .domain)
            try container.encode(localPart, forKey: .localPart)  // null, not absent, for a domain
        }
    }

    /// The provider the domain belongs to, as far as the sources know it.
    public struct ProviderSummary: Sendable, Hashable, Codable {
        /// Stable id from the knowledge base, such as `gmail`.
        public var id: String
        /// The name people know.
        public var name: String

        /// Creates a summary.
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// What was asked.
    public var query: Query
    /// The provider, or nil when unknown (JSON `null`).
    public var provider: ProviderSummary?
    /// POP3 and IMAP servers, best first.
    public var incoming: [Candidate]
    /// SMTP servers, best first.
    public var outgoing: [Candidate]
    /// Advice, actions first.
    public var notes: [Note]
    /// What every source did.
    public var sources: [SourceReport]

    /// Creates a result.
    public init(
        query: Query,
        provider: ProviderSummary?,
        incoming: [Candidate],
        outgoing: [Candidate],
        notes: [Note],
        sources: [SourceReport]
    ) {
        self.query = query
        self.provider = provider
        self.incoming = incoming
        self.outgoing = outgoing
        self.notes = notes
        self.sources = sources
    }

    /// True when at least one incoming and one outgoing server were found (exit status 0 of the CLI).
    public var isComplete: Bool { !incoming.isEmpty && !outgoing.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case query, provider, incoming, outgoing, notes, sources
    }

    /// Encodes the value in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(query, forKey: .query)
        try container.encode(provider, forKey: .provider)  // null, not absent, when unknown
        try container.encode(incoming, forKey: .incoming)
        try container.encode(outgoing, forKey: .outgoing)
        try container.encode(notes, forKey: .notes)
        try container.encode(sources, forKey: .sources)
    }
}
