/// Writes an `mpoprc` for mpop: one `account` for the POP3 server, made the default, that
/// delivers to `~/Maildir` and keeps the mail on the server (`keep on`) until the user decides
/// otherwise.
///
/// Quoting is msmtp's (see ``MsmtpWriter``). A user name with `/` is refused: mpop names its
/// UIDL file after the user name, and a slash would put that file outside `~/.mpop_uidls`.
public struct MpopWriter: ClientConfigWriter {
    /// ``ExportFormat/mpop``.
    public var format: ExportFormat { .mpop }

    /// Creates the writer.
    public init() {}

    /// Writes `mpoprc`; needs a POP3 server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        if let incoming = account.incoming, incoming.protocol != .pop3 {
            throw ExportError(
                .unsupportedProtocol, format: format,
                "mpop reads POP3 only, and \(incoming.hostname) is an \(incoming.protocol.displayName) server: "
                    + "look the address up with --prefer pop3, or use the fetchmail, getmail or neomutt format")
        }
        guard account.incoming != nil else {
            throw ExportError(
                .missingServer, format: format,
                "mpop reads mail over POP3, and the account has no POP3 server: look the address up again with --prefer pop3")
        }
        let server = try ExportCheck.incoming(account, format: format)
        if server.username.contains("/") {
            throw ExportError.unsafe(
                format, "incoming user name", server.username,
                "contains \"/\": mpop names a file after the user name, and a slash would put it in another folder")
        }
        let command = try ExportCheck.passwordCommand(account, format: format)
        let name = MsmtpStyle.accountName(account.address)
        var lines = [
            "# mpop configuration for \(name), written by autoconf-lookup.",
            "account \(name)",
        ]
        lines += MsmtpStyle.connection(server)
        if let command { lines.append("passwordeval \(ExportEscaping.msmtpArgument(command))") }
        lines += [
            "delivery maildir ~/Maildir",
            "# Leave the mail on the server; remove this line (or write `keep off`) to delete it once fetched.",
            "keep on",
            "account default : \(name)",
            "",
        ]
        var notes = ExportNotes.serverWarnings([server], client: "mpop")
        if command == nil {
            notes.append("No password command was given: mpop looks for the password in the key ring or ~/.netrc, "
                + "or asks for it (--password-command writes a passwordeval line).")
        }
        notes.append("mpop delivers to ~/Maildir, which must exist: mkdir -p ~/Maildir/cur ~/Maildir/new ~/Maildir/tmp")
        notes.append("Save the file as ~/.mpoprc (or ~/.config/mpop/config) readable only by you: chmod 600.")
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "mpoprc", notes: notes)
    }
}
