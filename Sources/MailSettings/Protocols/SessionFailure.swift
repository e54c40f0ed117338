/// Why a conversation could not go on.
public struct SessionFailure: Sendable, Hashable {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The server's greeting refused the connection (`-ERR`, `554`, `* BYE`) or was not a
        /// greeting of any mail protocol.
        case badGreeting
        /// The server speaks another mail protocol: see ``SessionFailure/guessedProtocol``.
        case notThisProtocol
        /// STARTTLS was asked for, but the server does not advertise it.
        case startTLSNotOffered
        /// The server advertised or was asked for STARTTLS and refused it.
        case startTLSRefused
        /// The server sent a reply that does not fit the conversation.
        case unexpectedReply
        /// The server closed the connection before the conversation was over.
        case closedEarly
        /// The server sent a line that was too long (see ``LineFramer``).
        case lineTooLong
        /// The user name or password holds a CR, LF or NUL, which cannot be written on a
        /// protocol line; nothing was sent.
        case unsendableCredentials
    }

    /// The kind of failure.
    public var kind: Kind
    /// The server's reply that shows the failure, when there is one (all lines of a multi-line
    /// reply, joined with "\n").
    public var reply: String?
    /// For ``Kind/notThisProtocol``: the protocol the server seems to speak (a `220` greeting is
    /// SMTP, `* OK` is IMAP, `+OK` is POP3).
    public var guessedProtocol: MailProtocol?

    /// Creates a failure.
    public init(kind: Kind, reply: String? = nil, guessedProtocol: MailProtocol? = nil) {
        self.kind = kind
        self.reply = reply
        self.guessedProtocol = guessedProtocol
    }

    /// The protocol a greeting belongs to, judged from its first characters; nil when it looks
    /// like none of them.
    static func guessProtocol(fromGreeting line: String) -> MailProtocol? {
        let upper = line.uppercased()
        if upper.hasPrefix("+OK") || upper.hasPrefix("-ERR") { return .pop3 }
        if upper.hasPrefix("* OK") || upper.hasPrefix("* PREAUTH") || upper.hasPrefix("* BYE") { return .imap }
        if SMTPReplyLine(line) != nil { return .smtp }
        return nil
    }
}
