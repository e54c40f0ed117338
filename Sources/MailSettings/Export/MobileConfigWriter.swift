/// Writes an Apple configuration profile (`.mobileconfig`) with one `com.apple.mail.managed`
/// payload, which Mail on macOS, iOS and iPadOS installs as an account.
///
/// The profile and its payload each get a new UUID (`PayloadUUID`, and in `PayloadIdentifier`),
/// so installing a newer file replaces nothing by accident. `…UseSSL` is true for SSL/TLS and
/// STARTTLS alike (Apple Mail then uses STARTTLS on the usual STARTTLS ports); the password is
/// not in the profile: Mail asks for it. All text is XML-escaped.
public struct MobileConfigWriter: ClientConfigWriter {
    /// Makes the UUIDs; ``ExportWriters/randomUUID()`` unless a test gives its own.
    public var uuid: @Sendable () -> String

    /// ``ExportFormat/mobileconfig``.
    public var format: ExportFormat { .mobileconfig }

    /// Creates the writer.
    public init(uuid: @escaping @Sendable () -> String = ExportWriters.randomUUID) {
        self.uuid = uuid
    }

    /// Writes `<address>.mobileconfig`; needs both an incoming and an outgoing server.
    public func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile {
        let incoming = try ExportCheck.incoming(account, format: format)
        let outgoing = try ExportCheck.outgoing(account, format: format)
        let address = try ExportCheck.address(account, format: format)
        let name = try ExportCheck.displayName(account, format: format)
        let profileUUID = try checkedUUID()
        let payloadUUID = try checkedUUID()
        guard profileUUID != payloadUUID else {
            throw ExportError.unsafe(format, "UUID", payloadUUID, "was made twice: the profile and its payload need different UUIDs")
        }
        var notes = ExportNotes.serverWarnings([incoming, outgoing], client: "Apple Mail")
        if account.passwordCommand != nil {
            notes.append("A .mobileconfig profile cannot run a password command: Mail asks for the password when the profile is installed.")
        }
        let reversedDomain = account.address.domain.labels.reversed().joined(separator: ".")

        func string(_ key: String, _ value: String) -> [String] {
            ["\t\t\t<key>\(key)</key>", "\t\t\t<string>\(ExportEscaping.xml(value))</string>"]
        }
        func integer(_ key: String, _ value: Int) -> [String] {
            ["\t\t\t<key>\(key)</key>", "\t\t\t<integer>\(value)</integer>"]
        }
        func bool(_ key: String, _ value: Bool) -> [String] {
            ["\t\t\t<key>\(key)</key>", value ? "\t\t\t<true/>" : "\t\t\t<false/>"]
        }

        var payload: [String] = []
        payload += string("EmailAccountDescription", name ?? account.address.domain.unicode)
        if let name { payload += string("EmailAccountName", name) }
        payload += string("EmailAccountType", incoming.protocol == .pop3 ? "EmailTypePOP" : "EmailTypeIMAP")
        payload += string("EmailAddress", address)
        payload += string("IncomingMailServerAuthentication", Self.authentication(incoming))
        payload += string("IncomingMailServerHostName", incoming.hostname)
        payload += integer("IncomingMailServerPortNumber", incoming.port)
        payload += bool("IncomingMailServerUseSSL", incoming.security != .plain)
        payload += string("IncomingMailServerUsername", incoming.username)
        payload += string("OutgoingMailServerAuthentication", Self.authentication(outgoing))
        payload += string("OutgoingMailServerHostName", outgoing.hostname)
        payload += integer("OutgoingMailServerPortNumber", outgoing.port)
        payload += bool("OutgoingMailServerUseSSL", outgoing.security != .plain)
        payload += string("OutgoingMailServerUsername", outgoing.username)
        payload += bool("OutgoingPasswordSameAsIncomingPassword", true)
        payload += string("PayloadDescription", "Configures the mail account \(address).")
        payload += string("PayloadDisplayName", address)
        payload += string("PayloadIdentifier", "com.apple.mail.managed.\(payloadUUID)")
        payload += string("PayloadType", "com.apple.mail.managed")
        payload += string("PayloadUUID", payloadUUID)
        payload += integer("PayloadVersion", 1)

        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">",
            "<plist version=\"1.0\">",
            "<dict>",
            "\t<key>PayloadContent</key>",
            "\t<array>",
            "\t\t<dict>",
        ]
        lines += payload
        lines += ["\t\t</dict>", "\t</array>"]
        lines += [
            "\t<key>PayloadDescription</key>", "\t<string>\(ExportEscaping.xml("Mail account \(address)"))</string>",
            "\t<key>PayloadDisplayName</key>", "\t<string>\(ExportEscaping.xml("Mail: \(address)"))</string>",
            "\t<key>PayloadIdentifier</key>", "\t<string>\(reversedDomain).mail.\(profileUUID)</string>",
            "\t<key>PayloadRemovalDisallowed</key>", "\t<false/>",
            "\t<key>PayloadType</key>", "\t<string>Configuration</string>",
            "\t<key>PayloadUUID</key>", "\t<string>\(profileUUID)</string>",
            "\t<key>PayloadVersion</key>", "\t<integer>1</integer>",
            "</dict>", "</plist>", "",
        ]
        return ExportedFile(
            contents: lines.joined(separator: "\n"),
            suggestedFileName: ExportCheck.fileName(address) + ".mobileconfig", notes: notes)
    }

    /// A UUID from ``uuid``, refused unless it has the `8-4-4-4-12` hexadecimal form.
    private func checkedUUID() throws(ExportError) -> String {
        let value = uuid()
        let groups = value.split(separator: "-", omittingEmptySubsequences: false).map(\.utf8.count)
        let isHex = value.unicodeScalars.allSatisfy { $0 == "-" || $0.properties.isASCIIHexDigit }
        guard groups == [8, 4, 4, 4, 12], isHex else {
            throw ExportError.unsafe(format, "UUID", value, "is not a UUID like 1B4E28BA-2FA1-41D2-883F-0016D3CCA427")
        }
        return value.uppercased()
    }

    /// Apple's name for how the password is sent.
    static func authentication(_ server: CheckedServer) -> String {
        let methods = server.authentication
        if methods.contains(.passwordEncrypted) && !methods.contains(.passwordCleartext) {
            return "EmailAuthCRAMMD5"
        }
        return "EmailAuthPassword"
    }
}
