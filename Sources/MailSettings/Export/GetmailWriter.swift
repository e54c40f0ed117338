/// Writes a getmail6 rc file: a retriever for the POP3 or IMAP server, delivery to
/// `~/Maildir/`, and `delete = false` so the mail stays on the server.
///
/// getmail6 has no STARTTLS (only implicit TLS or none), so a STARTTLS server is refused
/// rather than written as an unencrypted one. The file is INI read without interpolation:
/// values need no escaping, but a user name with a space at either end is refused (INI drops
/// it). `password_command` is read by getmail with Python's `eval`: it is written as a tuple of
/// escaped, ASCII-only string literals running `/bin/sh -c COMMAND`.
public struct GetmailWriter: ClientConfigWriter {
    /// ``ExportFormat/getmail``.
    public var format: ExportFormat { .getmail }

    /// Creates the writer.
    public init() {}

    /// Writes `getmailrc`; needs a POP3 or IMAP server with SSL/TLS or no encryption.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let server = try ExportCheck.incoming(account, format: format)
        let command = try ExportCheck.passwordCommand(account, format: format)
        let type: String
        switch (server.protocol, server.security) {
        case (_, .starttls):
            throw ExportError(
                .unsupportedSecurity, format: format,
                "getmail6 has no STARTTLS, and \(server.hostname):\(server.port) needs it; writing the server "
                    + "without encryption would send the password readable: use a server with SSL/TLS (port "
                    + "\(server.protocol == .pop3 ? 995 : 993)), or the fetchmail, mpop or neomutt format")
        case (.pop3, .tls): type = "SimplePOP3SSLRetriever"
        case (.pop3, _): type = "SimplePOP3Retriever"
        case (_, .tls): type = "SimpleIMAPSSLRetriever"
        default: type = "SimpleIMAPRetriever"
        }
        var lines = [
            "# getmail6 configuration for \(account.address.domain.ascii), written by autoconf-lookup.",
            "[retriever]",
            "type = \(type)",
            "server = \(server.hostname)",
            "port = \(server.port)",
            "username = \(server.username)",
        ]
        if let command {
            lines.append(
                "password_command = (\(ExportEscaping.pythonString("/bin/sh")), \(ExportEscaping.pythonString("-c")), \(ExportEscaping.pythonString(command)))")
        }
        lines += [
            "",
            "[destination]",
            "type = Maildir",
            "path = ~/Maildir/",
            "",
            "[options]",
            "# Leave the mail on the server; set to true to delete it once fetched.",
            "delete = false",
            "",
        ]
        var notes = ExportNotes.serverWarnings([server], client: "getmail")
        if command == nil {
            notes.append("No password command was given: "
                + "getmail asks for the password when it runs (--password-command writes a password_command line).")
        }
        notes.append("getmail delivers to ~/Maildir/, which must exist: mkdir -p ~/Maildir/cur ~/Maildir/new ~/Maildir/tmp")
        notes.append("Save the file as ~/.config/getmail/getmailrc (or ~/.getmail/getmailrc).")
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "getmailrc", notes: notes)
    }
}
