/// Advice for the person setting up mail, already written in their language.
public struct Note: Sendable, Hashable, Codable {
    /// What the person should make of a note.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Something to do before the account will work (enable POP, create an app password).
        case action
        /// A risk or a likely failure (port 25 blocked, password sent unencrypted).
        case warning
        /// Good to know.
        case info
    }

    /// A stable word scripts can match on, such as `enable-pop` or `app-password`.
    public var id: String
    /// Action, warning or info.
    public var kind: Kind
    /// The text in the requested language.
    public var text: String
    /// A page to visit (https), when there is one.
    public var url: String?

    /// Creates a note.
    public init(id: String, kind: Kind, text: String, url: String? = nil) {
        self.id = id
        self.kind = kind
        self.text = text
        self.url = url
    }
}
