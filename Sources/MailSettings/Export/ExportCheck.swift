/// The checks every writer runs before a value reaches a file. Each returns the value to write
/// or throws an ``ExportError`` that names the field and says what is wrong.
enum ExportCheck {
    /// A host name as an LDH name in ASCII: an internationalised name becomes punycode through
    /// ``DomainName``; anything else (IP addresses, single labels, ports, placeholders, spaces,
    /// quotes, control characters) is refused.
    static func hostname(_ value: String, field: String, format: ExportFormat) throws(ExportError) -> String {
        if let bad = value.unicodeScalars.first(where: { isRefused($0) || $0.properties.isWhitespace }) {
            throw ExportError.unsafe(
                format, field, value,
                "contains \(bad == " " ? "a space" : "the character " + AddressError.codePointName(bad)): "
                    + "a host name has only letters, digits, hyphens and dots")
        }
        let name: DomainName
        do {
            name = try DomainName(value)
        } catch {
            let problem: String
            switch error.code {
            case .ipLiteral: problem = "is an IP address"
            case .singleLabel: problem = "has one label only"
            case .invalidCharacter: problem = "holds a character a host name cannot (a port, a path, a quote…)"
            case .labelTooLong, .nameTooLong: problem = "is too long for a host name"
            case .empty, .emptyDomain: problem = "is empty"
            default: problem = "is not a valid host name"
            }
            throw ExportError.unsafe(format, field, value, problem + ": give a host name like mail.example.com")
        }
        // DomainName accepts what IDNA accepts; a file gets only letters, digits, hyphens and dots.
        let isLDH = name.ascii.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard isLDH, value.utf8.count <= 1024 else {
            throw ExportError.unsafe(
                format, field, value, "has characters a host name cannot hold: only letters, digits, hyphens and dots")
        }
        return name.ascii
    }

    /// A TCP port, 1–65535.
    static func port(_ value: Int, field: String, format: ExportFormat) throws(ExportError) -> Int {
        guard (1...65535).contains(value) else {
            throw ExportError(
                .unsafeValue, format: format, field: field, value: String(value),
                "the \(field) \(value) is not a TCP port: give a number from 1 to 65535")
        }
        return value
    }

    /// Text that goes into a file (a user name, an address, a display name): no control
    /// characters, line or paragraph separators, bidirectional overrides or noncharacters,
    /// which could end a line, hide text or make the file read differently than it parses.
    /// With `nonEmpty`, an empty value is refused too.
    static func text(_ value: String, field: String, format: ExportFormat, nonEmpty: Bool = false) throws(ExportError) -> String {
        if nonEmpty && value.isEmpty {
            throw ExportError.unsafe(format, field, value, "is empty: the client needs one")
        }
        if value.utf8.count > 1024 {
            throw ExportError.unsafe(format, field, value, "is longer than 1024 bytes: check where it came from")
        }
        if let bad = value.unicodeScalars.first(where: isRefused) {
            throw ExportError.unsafe(
                format, field, value,
                "contains the character \(AddressError.codePointName(bad)), which could end a line or hide text in the file: remove it")
        }
        return value
    }

    /// A user name: ``text(_:field:format:nonEmpty:)``, not empty, and without white space at
    /// either end (several formats cut it off silently).
    static func username(_ value: String, field: String, format: ExportFormat) throws(ExportError) -> String {
        let value = try text(value, field: field, format: format, nonEmpty: true)
        if let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        {
            throw ExportError.unsafe(
                format, field, value, "starts or ends with a space, which the client would drop: check the user name")
        }
        return value
    }

    /// The user's password command: one line, no control characters (the user means it to run,
    /// so nothing else is refused here; each format adds its own limits).
    static func passwordCommand(_ value: String, format: ExportFormat) throws(ExportError) -> String {
        let field = "password command"
        if value.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
            throw ExportError.unsafe(format, field, value, "is empty: give a command that prints the password, or none")
        }
        if let bad = value.unicodeScalars.first(where: isRefused) {
            throw ExportError.unsafe(
                format, field, value,
                "contains the character \(AddressError.codePointName(bad)): a password command must be one line "
                    + "without control characters; put a longer script in a file and give its path")
        }
        return value
    }

    /// The server of `side` ("incoming" or "outgoing"), checked: host, port and user name.
    static func server(_ server: ServerSettings, side: String, format: ExportFormat) throws(ExportError) -> CheckedServer {
        CheckedServer(
            protocol: server.protocol,
            hostname: try hostname(server.hostname, field: "\(side) host name", format: format),
            port: try port(server.port, field: "\(side) port", format: format),
            security: server.security,
            username: try username(server.username, field: "\(side) user name", format: format),
            authentication: server.authentication)
    }

    /// The incoming server, which must exist and be POP3 or IMAP.
    static func incoming(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> CheckedServer {
        guard let server = account.incoming else {
            throw ExportError(
                .missingServer, format: format,
                "\(format.rawValue) reads mail, and the account has no POP3 or IMAP server: look the address up again, or give one")
        }
        guard server.protocol.isIncoming else {
            throw ExportError(
                .unsupportedProtocol, format: format,
                "the incoming server \(server.hostname) is an SMTP server: give a POP3 or IMAP server to read mail from")
        }
        return try self.server(server, side: "incoming", format: format)
    }

    /// The outgoing server, which must exist and be SMTP.
    static func outgoing(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> CheckedServer {
        guard let server = account.outgoing else {
            throw ExportError(
                .missingServer, format: format,
                "\(format.rawValue) sends mail, and the account has no SMTP server: look the address up again, or give one")
        }
        guard server.protocol == .smtp else {
            throw ExportError(
                .unsupportedProtocol, format: format,
                "the outgoing server \(server.hostname) is a \(server.protocol.displayName) server: give an SMTP server to send mail with")
        }
        return try self.server(server, side: "outgoing", format: format)
    }

    /// The optional outgoing server: nil when absent, else checked like ``outgoing(_:format:)``.
    static func optionalOutgoing(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> CheckedServer? {
        account.outgoing == nil ? nil : try outgoing(account, format: format)
    }

    /// The address, checked as text.
    static func address(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> String {
        try text(account.address.ascii, field: "address", format: format, nonEmpty: true)
    }

    /// The display name, checked, trimmed; nil when absent or blank.
    static func displayName(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> String? {
        guard let name = account.displayName else { return nil }
        let checked = try text(name, field: "display name", format: format)
        let trimmed = AddressText.trimmed(checked)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The password command, checked; nil when absent.
    static func passwordCommand(_ account: ExportAccount, format: ExportFormat) throws(ExportError) -> String? {
        guard let command = account.passwordCommand else { return nil }
        return try passwordCommand(command, format: format)
    }

    /// Whether a scalar is never written: controls (C0, DEL, C1), line and paragraph separators,
    /// bidirectional embeddings, overrides and isolates, and noncharacters.
    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value == 0x2028 || value == 0x2029 { return true }
        if (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) { return true }
        if (0xFDD0...0xFDEF).contains(value) || (value & 0xFFFE) == 0xFFFE { return true }
        return false
    }

    /// A file-name-safe form of `text`: characters other than letters, digits, `.`, `_`, `@`,
    /// `+` and `-` become `_`, and a leading dot too.
    static func fileName(_ text: String) -> String {
        var result = String(
            text.unicodeScalars.map { scalar -> Character in
                let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_@+".unicodeScalars.contains(scalar))
                return ok ? Character(scalar) : "_"
            })
        if result.hasPrefix(".") { result = "_" + result.dropFirst() }
        return result
    }
}

/// A server whose host name, port and user name passed ``ExportCheck``.
struct CheckedServer: Sendable, Hashable {
    var `protocol`: MailProtocol
    var hostname: String
    var port: Int
    var security: ConnectionSecurity
    var username: String
    var authentication: [AuthenticationMethod]

    /// True when the server only takes OAuth2, which no file written here can set up.
    var isOAuthOnly: Bool {
        authentication.contains(.oauth2) && !authentication.contains(.passwordCleartext)
            && !authentication.contains(.passwordEncrypted)
    }
}
