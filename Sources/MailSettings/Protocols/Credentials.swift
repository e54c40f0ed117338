/// A user name and password to try a login with.
///
/// Its ``description``, its debug description and its mirror (as used by `dump`) never show
/// the password.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The user name, as the server expects it (often the whole email address).
    public var username: String
    /// The password, or an app password.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `Credentials(username: "alice@example.com", password: <hidden>)`.
    public var description: String {
        "Credentials(username: \(String(reflecting: username)), password: <hidden>)"
    }

    /// The same as ``description``: the password stays hidden.
    public var debugDescription: String { description }

    /// A mirror with the user name only.
    public var customMirror: Mirror {
        Mirror(self, children: ["username": username, "password": "<hidden>"], displayStyle: .struct)
    }

    /// True when the user name and password can be written on a protocol line: a CR, LF or NUL
    /// would end or break the command, so such credentials are never sent.
    var canBeSent: Bool {
        !(username + password).unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }

    /// The SASL PLAIN message (RFC 4616) `\0username\0password`, in base64.
    var plainResponse: String {
        Base64.encode([0] + Array(username.utf8) + [0] + Array(password.utf8))
    }
}

/// What a session should try beyond reading the greeting and the capabilities.
public struct SessionGoal: Sendable, Hashable, CustomStringConvertible {
    /// Upgrade the connection with STARTTLS (STLS for POP3) before anything else.
    public var startTLS: Bool
    /// Log in with these credentials and report whether the server accepts them; nil to stop
    /// before logging in.
    public var credentials: Credentials?

    /// Creates a goal: by default, only the greeting and the capabilities.
    public init(startTLS: Bool = false, credentials: Credentials? = nil) {
        self.startTLS = startTLS
        self.credentials = credentials
    }

    /// The goal in one line, without the password.
    public var description: String {
        "SessionGoal(startTLS: \(startTLS), credentials: \(credentials.map(\.description) ?? "nil"))"
    }
}
