/// A mail access protocol: two for reading mail, one for sending it.
public enum MailProtocol: String, Sendable, Hashable, Codable, CaseIterable {
    /// POP3 (RFC 1939): downloads mail to one device.
    case pop3
    /// IMAP (RFC 9051): keeps mail on the server, in sync across devices.
    case imap
    /// SMTP submission (RFC 6409): sends mail.
    case smtp

    /// True for the protocols that read mail (POP3 and IMAP).
    public var isIncoming: Bool { self != .smtp }

    /// The name people read: "POP3", "IMAP", "SMTP".
    public var displayName: String { rawValue.uppercased() }
}
