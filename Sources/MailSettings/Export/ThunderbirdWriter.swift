/// Writes a Mozilla autoconfig file (`clientConfig` v1.1), as a hoster publishes it at
/// `https://autoconfig.<domain>/mail/config-v1.1.xml`.
///
/// Both servers are written; a user name equal to the address becomes `%EMAILADDRESS%` and one
/// equal to the local part `%EMAILLOCALPART%`, so the file serves every user of the domain.
/// Any other user name is written as it is (with a note), and refused when it holds a
/// placeholder Thunderbird would replace. All text is XML-escaped.
public struct ThunderbirdWriter: ClientConfigWriter {
    /// ``ExportFormat/thunderbird``.
    public var format: ExportFormat { .thunderbird }

    /// Creates the writer.
    public init() {}

    /// Writes `config-v1.1.xml`; needs both an incoming and an outgoing server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let incoming = try ExportCheck.incoming(account, format: format)
        let outgoing = try ExportCheck.outgoing(account, format: format)
        let domain = account.address.domain
        let name = try ExportCheck.displayName(account, format: format) ?? domain.unicode
        var notes = ExportNotes.serverWarnings([incoming, outgoing], client: "Thunderbird")

        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<clientConfig version=\"1.1\">",
            "  <emailProvider id=\"\(ExportEscaping.xml(domain.ascii))\">",
            "    <domain>\(ExportEscaping.xml(domain.ascii))</domain>",
            "    <displayName>\(ExportEscaping.xml(name))</displayName>",
            "    <displayShortName>\(ExportEscaping.xml(name))</displayShortName>",
        ]
        for (server, element) in [(incoming, "incomingServer"), (outgoing, "outgoingServer")] {
            let username = try self.username(server, account: account, notes: &notes)
            lines.append("    <\(element) type=\"\(server.protocol.rawValue)\">")
            lines.append("      <hostname>\(server.hostname)</hostname>")
            lines.append("      <port>\(server.port)</port>")
            lines.append("      <socketType>\(Self.socketType(server.security))</socketType>")
            lines.append("      <username>\(ExportEscaping.xml(username))</username>")
            for method in Self.methods(server) {
                lines.append("      <authentication>\(method.rawValue)</authentication>")
            }
            if server.protocol == .pop3 {
                lines.append("      <pop3>")
                lines.append("        <leaveMessagesOnServer>true</leaveMessagesOnServer>")
                lines.append("      </pop3>")
            }
            lines.append("    </\(element)>")
        }
        lines += ["  </emailProvider>", "</clientConfig>", ""]
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "config-v1.1.xml", notes: notes)
    }

    /// The user name as written: a placeholder when it is the address or its local part.
    private func username(_ server: CheckedServer, account: ExportAccount, notes: inout [String]) throws(ExportError) -> String {
        if server.username == account.address.ascii { return Placeholders.emailAddress }
        if server.username == account.address.localPart { return Placeholders.emailLocalPart }
        let field = server.protocol == .smtp ? "outgoing user name" : "incoming user name"
        if Placeholders.containsPlaceholder(server.username) {
            throw ExportError.unsafe(
                format, field, server.username,
                "contains a placeholder such as %EMAILADDRESS%, which Thunderbird would replace: "
                    + "give the user name with the placeholder filled in")
        }
        let note = "The \(server.protocol.displayName) user name \(AddressError.quoted(server.username)) is neither the address nor its local part, "
            + "so the file is written for this one user."
        if !notes.contains(note) { notes.append(note) }
        return server.username
    }

    /// The autoconfig `socketType` of a security.
    static func socketType(_ security: ConnectionSecurity) -> String {
        switch security {
        case .tls: "SSL"
        case .starttls: "STARTTLS"
        case .plain: "plain"
        }
    }

    /// The server's known methods, in order; `password-cleartext` when it lists none.
    static func methods(_ server: CheckedServer) -> [AuthenticationMethod] {
        var methods: [AuthenticationMethod] = []
        for method in server.authentication where AuthenticationMethod.known.contains(method) && !methods.contains(method) {
            methods.append(method)
        }
        return methods.isEmpty ? [.passwordCleartext] : methods
    }
}
