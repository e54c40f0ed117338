/// Everything a mail program needs to connect to one server.
public struct ServerSettings: Sendable, Hashable, Codable {
    /// POP3, IMAP or SMTP.
    public var `protocol`: MailProtocol
    /// The host name to connect to (ASCII; punycode for IDN).
    public var hostname: String
    /// The TCP port, 1–65535.
    public var port: Int
    /// Implicit TLS, STARTTLS or none.
    public var security: ConnectionSecurity
    /// The user name, or a template with placeholders such as `%EMAILADDRESS%` when no address is known.
    public var username: String
    /// Accepted authentication methods, best first.
    public var authentication: [AuthenticationMethod]

    /// Creates server settings.
    public init(
        protocol: MailProtocol,
        hostname: String,
        port: Int,
        security: ConnectionSecurity,
        username: String,
        authentication: [AuthenticationMethod] = [.passwordCleartext]
    ) {
        self.protocol = `protocol`
        self.hostname = hostname
        self.port = port
        self.security = security
        self.username = username
        self.authentication = authentication
    }

    /// What makes two servers the same offer: protocol, host, port and security.
    public var identity: Identity {
        Identity(protocol: `protocol`, hostname: hostname, port: port, security: security)
    }

    /// True when the server can only be used with OAuth2 (no password method is offered).
    public var isOAuthOnly: Bool {
        authentication.contains(.oauth2)
            && !authentication.contains(.passwordCleartext)
            && !authentication.contains(.passwordEncrypted)
    }

    /// The key that candidates from different sources are merged on.
    public struct Identity: Sendable, Hashable, Codable {
        /// POP3, IMAP or SMTP.
        public var `protocol`: MailProtocol
        /// Lower-case host name.
        public var hostname: String
        /// TCP port.
        public var port: Int
        /// Connection security.
        public var security: ConnectionSecurity
    }
}
