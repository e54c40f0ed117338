/// Writes a `neomuttrc` for NeoMutt: the incoming server as `folder` (and the inbox as
/// `spoolfile`), the SMTP server as `smtp_url`, and `from` and `realname`.
///
/// User names go into the URLs percent-encoded, so the URLs are plain ASCII and written in
/// single quotes, where NeoMutt interprets nothing. `from` and `realname` are double-quoted
/// with backslash, double quote, backtick and `$` escaped, so no command substitution or variable expansion
/// happens. SSL/TLS uses the `pops`/`imaps`/`smtps` schemes, STARTTLS `ssl_starttls`; unless a
/// server has no encryption, `ssl_force_tls` is on. A password command becomes
/// a `set pop_pass=` line whose value is the command between backticks (NeoMutt runs it when it starts) when it holds no backtick or
/// backslash, which NeoMutt would read itself; otherwise no password is written and a note says so.
public struct NeomuttWriter: ClientConfigWriter {
    /// ``ExportFormat/neomutt``.
    public var format: ExportFormat { .neomutt }

    /// Creates the writer.
    public init() {}

    /// Writes `neomuttrc`; needs a POP3 or IMAP server (the SMTP server is optional).
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let incoming = try ExportCheck.incoming(account, format: format)
        let outgoing = try ExportCheck.optionalOutgoing(account, format: format)
        let from = try ExportCheck.address(account, format: format)
        let name = try ExportCheck.displayName(account, format: format)
        var command = try ExportCheck.passwordCommand(account, format: format)
        var notes = ExportNotes.serverWarnings([incoming, outgoing], client: "NeoMutt")
        if let given = command, given.contains("`") || given.contains("\\") {
            command = nil
            notes.append("The password command holds a backtick or a backslash, which NeoMutt would interpret itself, "
                + "so it is not in the file: NeoMutt asks for the password.")
        }

        var lines = ["# NeoMutt configuration for \(account.address.domain.ascii), written by autoconf-lookup."]
        lines.append("set from = \(ExportEscaping.neomuttString(from))")
        if let name { lines.append("set realname = \(ExportEscaping.neomuttString(name))") }
        let isPOP = incoming.protocol == .pop3
        lines.append("set folder = '\(Self.url(incoming, secureScheme: isPOP ? "pops" : "imaps", plainScheme: isPOP ? "pop" : "imap"))'")
        lines.append(isPOP ? "set spoolfile = '+'" : "set spoolfile = '+INBOX'")
        if let outgoing {
            lines.append("set smtp_url = '\(Self.url(outgoing, secureScheme: "smtps", plainScheme: "smtp"))'")
        } else {
            notes.append("The account has no SMTP server, so the file sets no smtp_url: NeoMutt will send with the local sendmail.")
        }
        let servers = [incoming] + (outgoing.map { [$0] } ?? [])
        lines.append("set ssl_starttls = yes")
        lines.append("set ssl_force_tls = \(servers.contains { $0.security == .plain } ? "no" : "yes")")
        if isPOP {
            lines.append("# Leave the mail on the server; set to yes to delete it once fetched.")
            lines.append("set pop_delete = no")
        }
        if let command {
            let value = ExportEscaping.neomuttCommandSubstitution(command)
            lines.append("set \(isPOP ? "pop_pass" : "imap_pass") = \(value)")
            if outgoing != nil { lines.append("set smtp_pass = \(value)") }
            notes.append("NeoMutt runs the password command each time it starts, once for each server.")
        }
        lines.append("")
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "neomuttrc", notes: notes)
    }

    /// `scheme://user@host:port/` with the user name percent-encoded.
    static func url(_ server: CheckedServer, secureScheme: String, plainScheme: String) -> String {
        let scheme = server.security == .tls ? secureScheme : plainScheme
        return "\(scheme)://\(ExportEscaping.urlUserinfo(server.username))@\(server.hostname):\(server.port)/"
    }
}

extension ExportEscaping {
    /// The command between backticks, in double quotes: NeoMutt runs the command with the shell when it reads the line and
    /// uses its output. The command must hold no backtick or backslash (NeoMutt ends the
    /// substitution at the first backtick and reads backslashes); callers check that.
    static func neomuttCommandSubstitution(_ command: String) -> String {
        precondition(!command.contains("`") && !command.contains("\\"))
        return "\"`" + command + "`\""
    }
}
