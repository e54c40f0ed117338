/// Writes a `.fetchmailrc` for fetchmail: one `poll` entry for the POP3 or IMAP server that
/// keeps the mail on the server (`keep`).
///
/// SSL/TLS is `ssl`; STARTTLS is `sslproto "auto"` without `ssl`, which makes fetchmail
/// require STARTTLS; no encryption is `sslproto ""`. Strings are double-quoted, with `"` and `\`
/// written as fetchmail's `\x22` and `\x5c`. fetchmail cannot run a password command: it asks
/// for the password or reads `~/.netrc`, and the file says so in a comment.
public struct FetchmailWriter: ClientConfigWriter {
    /// ``ExportFormat/fetchmail``.
    public var format: ExportFormat { .fetchmail }

    /// Creates the writer.
    public init() {}

    /// Writes `fetchmailrc`; needs a POP3 or IMAP server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let server = try ExportCheck.incoming(account, format: format)
        let command = try ExportCheck.passwordCommand(account, format: format)
        let tls: String
        switch server.security {
        case .tls: tls = "ssl sslproto \"auto\""
        case .starttls: tls = "sslproto \"auto\""
        case .plain: tls = "sslproto \"\""
        }
        let lines = [
            "# fetchmail configuration for \(account.address.domain.ascii), written by autoconf-lookup.",
            "# fetchmail has no password command: it asks for the password when it runs, or reads it",
            "# from ~/.netrc (a line \"machine \(server.hostname) login USER password PASSWORD\").",
            "poll \"\(server.hostname)\" with proto \(server.protocol == .pop3 ? "POP3" : "IMAP") service \(server.port)",
            "    user \(ExportEscaping.fetchmailString(server.username)) there",
            "    \(tls) keep",
            "",
        ]
        var notes = ExportNotes.serverWarnings([server], client: "fetchmail")
        if command != nil {
            notes.append("fetchmail has no password command, so the one given is not in the file: "
                + "fetchmail asks for the password when it runs, or reads it from ~/.netrc.")
        }
        notes.append("Save the file as ~/.fetchmailrc readable only by you (chmod 600): fetchmail refuses it otherwise.")
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "fetchmailrc", notes: notes)
    }
}
