/// Writes an `msmtprc` for msmtp: one `account` for the SMTP server, made the default.
///
/// Arguments are enclosed in double quotes, which msmtp removes (it interprets nothing else
/// inside them). `from` is refused when it contains `%`, which msmtp would replace (`%U`, `%H`…)
/// with no way to write a literal one. `passwordeval` is written only when the user gave a
/// password command.
public struct MsmtpWriter: ClientConfigWriter {
    /// ``ExportFormat/msmtp``.
    public var format: ExportFormat { .msmtp }

    /// Creates the writer.
    public init() {}

    /// Writes `msmtprc`; needs an SMTP server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let server = try ExportCheck.outgoing(account, format: format)
        let from = try ExportCheck.address(account, format: format)
        if from.contains("%") {
            throw ExportError.unsafe(
                format, "address", from,
                "contains \"%\", which msmtp replaces in `from` (%U, %H, %C, %M) and cannot write literally: "
                    + "set `from` by hand")
        }
        let command = try ExportCheck.passwordCommand(account, format: format)
        let name = MsmtpStyle.accountName(account.address)
        var lines = [
            "# msmtp configuration for \(name), written by autoconf-lookup.",
            "account \(name)",
        ]
        lines += MsmtpStyle.connection(server)
        lines.append("from \(ExportEscaping.msmtpArgument(from))")
        if let command { lines.append("passwordeval \(ExportEscaping.msmtpArgument(command))") }
        lines += ["account default : \(name)", ""]

        var notes = ExportNotes.serverWarnings([server], client: "msmtp")
        if command == nil {
            notes.append("No password command was given: msmtp looks for the password in the key ring or ~/.netrc, "
                + "or asks for it (--password-command writes a passwordeval line).")
        }
        notes.append("Save the file as ~/.msmtprc (or ~/.config/msmtp/config) readable only by you: chmod 600.")
        return ExportedFile(contents: lines.joined(separator: "\n"), suggestedFileName: "msmtprc", notes: notes)
    }
}

/// What msmtp and mpop, two programs of one author, write the same way.
enum MsmtpStyle {
    /// The account name: the address when it is made only of letters, digits and `._@+-`, else
    /// the domain (an LDH name), so it never holds a quote, a space, `:` or `,`.
    static func accountName(_ address: EmailAddress) -> String {
        let safe = address.ascii.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._@+-".unicodeScalars.contains(scalar))
        }
        return safe ? address.ascii : address.domain.ascii
    }

    /// The `host`, `port`, `tls`, `tls_starttls`, `auth` and `user` lines.
    static func connection(_ server: CheckedServer) -> [String] {
        var lines = ["host \(server.hostname)", "port \(server.port)"]
        switch server.security {
        case .tls: lines += ["tls on", "tls_starttls off"]
        case .starttls: lines += ["tls on", "tls_starttls on"]
        case .plain: lines += ["tls off"]
        }
        lines += ["auth on", "user \(ExportEscaping.msmtpArgument(server.username))"]
        return lines
    }
}
