/// A mail provider or hosting service from the bundled knowledge base.
public struct Provider: Sendable, Hashable, Codable, Identifiable {
    /// Whether a provider hosts mailboxes or only filters mail on its way to them.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Hosts mailboxes: its servers are the ones to configure.
        case mailbox
        /// A filtering service in front of the mailbox host (Mimecast, Proofpoint …): not the mailbox host.
        case relay
    }

    /// Where an entry's facts come from.
    public enum Origin: String, Sendable, Hashable, Codable {
        /// Imported from Thunderbird's ISPDB and not reviewed by us.
        case ispdb
        /// Reviewed by hand against the provider's own documentation.
        case curated
    }

    /// How sure the knowledge base is of an entry.
    public enum Confidence: String, Sendable, Hashable, Codable, CaseIterable {
        /// Checked and current.
        case high
        /// Probably right, not fully confirmed.
        case medium
        /// Uncertain: ranked below what the domain itself publishes.
        case low
    }

    /// A note from the catalog that applies to this provider, with an optional provider-specific page.
    public struct NoteReference: Sendable, Hashable, Codable {
        /// The catalog id, such as `enable-pop`.
        public var id: String
        /// A page to visit for this provider (https).
        public var url: String?

        /// Creates a reference.
        public init(id: String, url: String? = nil) {
            self.id = id
            self.url = url
        }
    }

    /// Stable id, such as `gmail`.
    public var id: String
    /// The name people know.
    public var name: String
    /// Mailbox host or filtering relay.
    public var kind: Kind
    /// Imported or curated.
    public var origin: Origin
    /// ISPDB files the facts were first imported from.
    public var ispdb: [String]
    /// Date of the last review by hand (`YYYY-MM-DD`), for curated entries.
    public var lastReviewed: String?
    /// How sure we are of the servers.
    public var confidence: Confidence
    /// Why the confidence is not high.
    public var confidenceReason: String?
    /// Mail domains served (ASCII).
    public var domains: [String]
    /// MX host patterns that identify a domain hosted here.
    public var mxPatterns: [String]
    /// POP3 and IMAP servers in the provider's order of preference.
    public var incoming: [ServerSettings]
    /// SMTP servers in the provider's order of preference.
    public var outgoing: [ServerSettings]
    /// Notes that apply to this provider.
    public var notes: [NoteReference]
    /// The provider's own help page for mail programs.
    public var help: String?

    /// Creates a provider entry (for tools that bring data of their own; the bundled base is built for you).
    public init(
        id: String,
        name: String,
        kind: Kind = .mailbox,
        origin: Origin = .curated,
        ispdb: [String] = [],
        lastReviewed: String? = nil,
        confidence: Confidence = .high,
        confidenceReason: String? = nil,
        domains: [String] = [],
        mxPatterns: [String] = [],
        incoming: [ServerSettings] = [],
        outgoing: [ServerSettings] = [],
        notes: [NoteReference] = [],
        help: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.origin = origin
        self.ispdb = ispdb
        self.lastReviewed = lastReviewed
        self.confidence = confidence
        self.confidenceReason = confidenceReason
        self.domains = domains
        self.mxPatterns = mxPatterns
        self.incoming = incoming
        self.outgoing = outgoing
        self.notes = notes
        self.help = help
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, kind, origin, ispdb, lastReviewed, confidence, confidenceReason
        case domains, mxPatterns, incoming, outgoing, notes, help
    }

    /// Decodes the value from its JSON form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        origin = try container.decode(Origin.self, forKey: .origin)
        ispdb = try container.decodeIfPresent([String].self, forKey: .ispdb) ?? []
        lastReviewed = try container.decodeIfPresent(String.self, forKey: .lastReviewed)
        confidence = try container.decode(Confidence.self, forKey: .confidence)
        confidenceReason = try container.decodeIfPresent(String.self, forKey: .confidenceReason)
        domains = try container.decode([String].self, forKey: .domains)
        mxPatterns = try container.decode([String].self, forKey: .mxPatterns)
        incoming = try container.decode([ServerSettings].self, forKey: .incoming)
        outgoing = try container.decode([ServerSettings].self, forKey: .outgoing)
        notes = try container.decode([NoteReference].self, forKey: .notes)
        help = try container.decodeIfPresent(String.self, forKey: .help)
    }

    /// Every server, incoming first.
    public var servers: [ServerSettings] { incoming + outgoing }
}
