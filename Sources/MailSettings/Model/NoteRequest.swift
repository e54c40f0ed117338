/// A note a source or a rule asks for, before it is written in the person's language.
public struct NoteRequest: Sendable, Hashable {
    /// The stable id, usually one of ``NoteCatalog``.
    public var id: String
    /// A page to visit (https).
    public var url: String?
    /// Values for the catalog text's placeholders (`provider`, `domain`, `host`, `port`).
    public var values: [String: String]
    /// Text of its own, by language (such as an autoconfig `<instruction>`); overrides the catalog.
    public var texts: [Language: String]?
    /// The kind, when it differs from the catalog's or there is no catalog entry.
    public var kind: Note.Kind?

    /// Creates a request.
    public init(id: String, url: String? = nil, values: [String: String] = [:], texts: [Language: String]? = nil, kind: Note.Kind? = nil) {
        self.id = id
        self.url = url
        self.values = values
        self.texts = texts
        self.kind = kind
    }
}
