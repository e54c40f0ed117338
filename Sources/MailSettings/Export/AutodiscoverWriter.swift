/// Writes an Outlook Autodiscover "POX" response (the 2006a response schema) with `settings`,
/// as a hoster serves it at `https://autodiscover.<domain>/autodiscover/autodiscover.xml`.
///
/// Each server is one `<Protocol>` block. `<SSL>` is `on` for SSL/TLS and STARTTLS, and
/// `<Encryption>` says which: `SSL` (implicit TLS), `TLS` (STARTTLS) or `None`. The user name
/// goes in `<LoginName>` as it is; all text is XML-escaped.
public struct AutodiscoverWriter: ClientConfigWriter {
    /// The response's outer namespace.
    public static let responseNamespace = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"

    /// ``ExportFormat/autodiscover``.
    public var format: ExportFormat { .autodiscover }

    /// Creates the writer.
    public init() {}

    /// Writes `autodiscover.xml`; needs at least one server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let incoming = account.incoming == nil ? nil : try ExportCheck.incoming(account, format: format)
        let outgoing = try ExportCheck.optionalOutgoing(account, format: format)
        guard incoming != nil || outgoing != nil else {
            throw ExportError(
                .missingServer, format: format,
                "the account has no server at all: look the address up again, or give a POP3, IMAP or SMTP server")
        }
        let name = try ExportCheck.displayName(account, format: format)
        var notes = ExportNotes.serverWarnings([incoming, outgoing], client: "Outlook")
        if incoming == nil { notes.append("The file lists no incoming server: Outlook will ask for one.") }
        if outgoing == nil { notes.append("The file lists no SMTP server: Outlook will ask for one.") }

        var lines = [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<Autodiscover xmlns=\"\(Self.responseNamespace)\">",
            "  <Response xmlns=\"\(AutodiscoverResponse.outlookSchema)\">",
        ]
        if let name {
            lines += ["    <User>", "      <DisplayName>\(ExportEscaping.xml(name))</DisplayName>", "    </User>"]
        }
        lines += ["    <Account>", "      <AccountType>email</AccountType>", "      <Action>settings</Action>"]
        for case let server? in [incoming, outgoing] {
            lines += [
                "      <Protocol>",
                "        <Type>\(server.protocol.displayName)</Type>",
                "        <Server>\(server.hostname)</Server>",
                "        <Port>\(server.port)</Port>",
                "        <LoginName>\(ExportEscaping.xml(server.username))</LoginName>",
                "        <DomainRequired>off</DomainRequired>",
                "        <SPA>off</SPA>",
                "        <SSL>\(server.security == .plain ? "off" : "on")</SSL>",
                "        <Encryption>\(Self.encryption(server.security))</Encryption>",
                "        <AuthRequired>on</AuthRequired>",
                "      </Protocol>",
            ]
        }
        lines += ["    </Account>", "  </Response>", "</Autodiscover>", ""]
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "autodiscover.xml", notes: notes)
    }

    /// The `<Encryption>` value of a security.
    static func encryption(_ security: ConnectionSecurity) -> String {
        switch security {
        case .tls: "SSL"
        case .starttls: "TLS"
        case .plain: "None"
        }
    }
}
