/// The notes the package can give, in every supported language, keyed by stable id.
///
/// Texts may hold the placeholders `{provider}`, `{domain}`, `{host}` and `{port}`.
public struct NoteCatalog: Sendable, Hashable {
    /// One note in every language.
    public struct Entry: Sendable, Hashable {
        /// Action, warning or info.
        public var kind: Note.Kind
        /// English text.
        public var en: String
        /// Spanish text.
        public var es: String

        /// Creates an entry.
        public init(kind: Note.Kind, en: String, es: String) {
            self.kind = kind
            self.en = en
            self.es = es
        }

        /// The text in `language`.
        public func text(in language: Language) -> String {
            switch language {
            case .english: en
            case .spanish: es
            }
        }
    }

    /// Every entry by id.
    public let entries: [String: Entry]

    /// Creates a catalog from entries.
    public init(entries: [String: Entry]) { self.entries = entries }

    /// Every note id, sorted.
    public var ids: [String] { entries.keys.sorted() }

    /// Renders a request into a note in `language`; nil when the catalog has no such id
    /// and the request carries no text of its own.
    public func note(for request: NoteRequest, in language: Language) -> Note? {
        if let texts = request.texts {
            // The asked language, else English, else any (in a fixed order).
            guard let text = texts[language] ?? texts[.english] ?? Language.allCases.lazy.compactMap({ texts[$0] }).first
            else { return nil }
            return Note(id: request.id, kind: request.kind ?? entries[request.id]?.kind ?? .info, text: text, url: request.url)
        }
        guard let entry = entries[request.id] else { return nil }
        let text = Self.fill(entry.text(in: language), with: request.values)
        return Note(id: request.id, kind: request.kind ?? entry.kind, text: text, url: request.url)
    }

    /// Replaces `{name}` placeholders with values; unknown ones stay as written.
    static func fill(_ template: String, with values: [String: String]) -> String {
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
