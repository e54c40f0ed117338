/// What one conversation with a mail server showed.
///
/// Nothing in it holds the password: the lines that carried it are replaced by `<hidden>` in
/// the ``transcript``.
public struct SessionResult: Sendable, Hashable {
    /// The protocol the session spoke.
    public var `protocol`: MailProtocol
    /// The server's first reply as received; the lines of a multi-line SMTP greeting are joined
    /// with "\n". Nil when the server sent nothing.
    public var greeting: String?
    /// True when the greeting let the conversation go on: `+OK`, `220`, `* OK` or `* PREAUTH`.
    public var greetingAccepted: Bool
    /// The capabilities as the server wrote them: the POP3 CAPA lines, the SMTP EHLO keywords
    /// (without the reply code and without the first, greeting line) or the IMAP CAPABILITY
    /// atoms. When the connection was upgraded to TLS, the list given after the upgrade.
    public var capabilities: [String]
    /// True when the server advertised STARTTLS (STLS for POP3) before any upgrade.
    public var startTLSOffered: Bool
    /// The SASL mechanisms advertised, upper-cased and without repeats: POP3 `SASL x y`, SMTP
    /// `AUTH x y` or `AUTH=x`, IMAP `AUTH=x`. From the same list as ``capabilities``.
    public var authenticationMechanisms: [String]
    /// True when an IMAP server advertised LOGINDISABLED (it refuses the LOGIN command) in the
    /// same list as ``capabilities``.
    public var loginDisabled: Bool
    /// True when the connection was upgraded with STARTTLS.
    public var tlsUpgraded: Bool
    /// Whether the server accepted the credentials; nil when no login was tried.
    public var login: LoginOutcome?
    /// Why the conversation could not go on; nil when it ended as planned.
    public var failure: SessionFailure?
    /// Every line of the conversation, both directions, in order.
    public var transcript: [TranscriptLine]

    /// Creates a result; a session starts from `SessionResult(protocol:)` and fills it in.
    public init(
        protocol: MailProtocol,
        greeting: String? = nil,
        greetingAccepted: Bool = false,
        capabilities: [String] = [],
        startTLSOffered: Bool = false,
        authenticationMechanisms: [String] = [],
        loginDisabled: Bool = false,
        tlsUpgraded: Bool = false,
        login: LoginOutcome? = nil,
        failure: SessionFailure? = nil,
        transcript: [TranscriptLine] = []
    ) {
        self.protocol = `protocol`
        self.greeting = greeting
        self.greetingAccepted = greetingAccepted
        self.capabilities = capabilities
        self.startTLSOffered = startTLSOffered
        self.authenticationMechanisms = authenticationMechanisms
        self.loginDisabled = loginDisabled
        self.tlsUpgraded = tlsUpgraded
        self.login = login
        self.failure = failure
        self.transcript = transcript
    }
}

/// One line of a conversation, as sent or received, without its line end.
public struct TranscriptLine: Sendable, Hashable, CustomStringConvertible {
    /// Who wrote a line.
    public enum Direction: Sendable, Hashable {
        /// This side: the session.
        case client
        /// The mail server.
        case server
    }

    /// Who wrote the line.
    public var direction: Direction
    /// The line; secrets are replaced by `<hidden>`.
    public var text: String

    /// Creates a transcript line.
    public init(direction: Direction, text: String) {
        self.direction = direction
        self.text = text
    }

    /// The line as mail tools log it: `C: ` or `S: ` and the text.
    public var description: String {
        (direction == .client ? "C: " : "S: ") + text
    }
}
