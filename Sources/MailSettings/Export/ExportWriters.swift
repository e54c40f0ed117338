/// Finds the writer of a format, and makes the random UUIDs Apple profiles need.
///
/// ```swift
/// let file = try ExportWriters.writer(for: .thunderbird).write(account)
/// ```
public enum ExportWriters {
    /// The writer of `format`. `uuid` makes the UUIDs a `.mobileconfig` profile needs (the
    /// other formats do not call it); pass a fixed sequence in tests.
    public static func writer(
        for format: ExportFormat,
        uuid: @escaping @Sendable () -> String = ExportWriters.randomUUID
    ) -> any ClientConfigWriter {
        switch format {
        case .thunderbird: ThunderbirdWriter()
        case .mobileconfig: MobileConfigWriter(uuid: uuid)
        case .autodiscover: AutodiscoverWriter()
        case .msmtp: MsmtpWriter()
        case .mpop: MpopWriter()
        case .fetchmail: FetchmailWriter()
        case .getmail: GetmailWriter()
        case .neomutt: NeomuttWriter()
        }
    }

    /// A new random (version 4) UUID from the system's random number generator, in upper case,
    /// such as `1B4E28BA-2FA1-41D2-883F-0016D3CCA427`.
    @Sendable
    public static func randomUUID() -> String {
        var generator = SystemRandomNumberGenerator()
        return uuid(using: &generator)
    }

    /// A random (version 4, RFC 9562) UUID drawn from `generator`, in upper case.
    public static func uuid<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10
        var text = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text += "-" }
            text += ExportEscaping.hex(UInt32(byte), width: 2)
        }
        return text
    }
}

/// Notes several writers add.
enum ExportNotes {
    /// A warning for each server that uses no encryption, and for each that only takes OAuth2.
    static func serverWarnings(_ servers: [CheckedServer?], client: String) -> [String] {
        var notes: [String] = []
        for case let server? in servers {
            if server.security == .plain {
                notes.append(
                    "\(server.protocol.displayName) server \(server.hostname):\(server.port) uses no encryption: "
                        + "the password crosses the network readable; prefer a server with SSL/TLS or STARTTLS.")
            }
            if server.isOAuthOnly {
                notes.append(
                    "\(server.protocol.displayName) server \(server.hostname) only accepts OAuth2 sign-in, which this "
                        + "\(client) file does not set up: configure OAuth2 in \(client) yourself, or use an app password if the provider offers one.")
            }
        }
        return notes
    }
}
