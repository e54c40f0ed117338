/// One finding of ``ClientConfigParser`` about a Mozilla autoconfig file: an error (something
/// that makes a server, or the whole file, unusable) or a warning (the file works, but a mail
/// program may misbehave or a person may be put at risk), with the line it is on when known.
///
/// ```swift
/// let config = ClientConfigParser.parse(text)
/// for diagnostic in config.errors { print(diagnostic) }   // "line 12: port 99999 is out of range (1–65535)"
/// ```
public struct ClientConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        /// A server block, or the whole file, cannot be used as written.
        case error
        /// Usable, but likely wrong, insecure, or not understood by every mail program.
        case warning
    }

    /// A stable name for what was found, so that programs can match on it without parsing
    /// messages. A struct rather than an enum so that new codes can be added without breaking the API.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The stable name, such as `port-out-of-range`.
        public let rawValue: String
        /// Creates a code from its stable name.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The stable name.
        public var description: String { rawValue }

        /// The bytes are not well-formed XML, or were refused as hostile (the XML reader's message).
        public static let notXML = Code(rawValue: "not-xml")
        /// The root element is not `<clientConfig>`.
        public static let wrongRoot = Code(rawValue: "wrong-root")
        /// `<clientConfig>` has no `version` attribute.
        public static let missingVersion = Code(rawValue: "missing-version")
        /// `version` is neither 1.1 nor 1.2.
        public static let unknownVersion = Code(rawValue: "unknown-version")
        /// There is no `<emailProvider>` element.
        public static let noEmailProvider = Code(rawValue: "no-email-provider")
        /// More than one `<emailProvider>`; only the first is read.
        public static let extraEmailProvider = Code(rawValue: "extra-email-provider")
        /// `<emailProvider>` has no `id`.
        public static let missingProviderID = Code(rawValue: "missing-provider-id")
        /// No `<domain>` element.
        public static let noDomain = Code(rawValue: "no-domain")
        /// A `<domain>` that is not a domain name.
        public static let invalidDomain = Code(rawValue: "invalid-domain")
        /// A known element in a place where it is not read (a server block outside `<emailProvider>`).
        public static let misplacedElement = Code(rawValue: "misplaced-element")
        /// A server block without a `type` attribute.
        public static let missingType = Code(rawValue: "missing-type")
        /// A server `type` this package does not know; the block is ignored.
        public static let unknownType = Code(rawValue: "unknown-type")
        /// A known type in the wrong element, such as `<incomingServer type="smtp">`.
        public static let typeMismatch = Code(rawValue: "type-mismatch")
        /// A server block without `<hostname>`.
        public static let missingHostname = Code(rawValue: "missing-hostname")
        /// A `<hostname>` that is not a usable host name (port, path, scheme, `user@`, spaces …).
        public static let unusableHostname = Code(rawValue: "unusable-hostname")
        /// An element given twice where only one is read (the first wins).
        public static let repeatedElement = Code(rawValue: "repeated-element")
        /// A server block without `<port>`.
        public static let missingPort = Code(rawValue: "missing-port")
        /// A `<port>` that is not a number.
        public static let invalidPort = Code(rawValue: "invalid-port")
        /// A `<port>` outside 1–65535.
        public static let portOutOfRange = Code(rawValue: "port-out-of-range")
        /// A server block without `<socketType>`.
        public static let missingSocketType = Code(rawValue: "missing-socket-type")
        /// A `<socketType>` value this package does not know.
        public static let unknownSocketType = Code(rawValue: "unknown-socket-type")
        /// A `<socketType>` understood here but spelled differently from what Thunderbird reads.
        public static let socketTypeSpelling = Code(rawValue: "socket-type-spelling")
        /// A server block without a usable `<authentication>`.
        public static let missingAuthentication = Code(rawValue: "missing-authentication")
        /// An `<authentication>` value this package does not know (skipped).
        public static let unknownAuthentication = Code(rawValue: "unknown-authentication")
        /// An empty `<authentication>` element (skipped).
        public static let emptyAuthentication = Code(rawValue: "empty-authentication")
        /// An `<authentication>` value understood here but spelled in an old or non-standard way.
        public static let authenticationSpelling = Code(rawValue: "authentication-spelling")
        /// A server block without `<username>` although it authenticates.
        public static let missingUsername = Code(rawValue: "missing-username")
        /// A placeholder without its closing `%` (`%EMAILADDRESS`), read as the full placeholder.
        public static let unterminatedPlaceholder = Code(rawValue: "unterminated-placeholder")
        /// An unencrypted (`plain`) connection.
        public static let plainConnection = Code(rawValue: "plain-connection")
        /// SSL on a STARTTLS port, or STARTTLS/plain on an implicit-TLS port.
        public static let securityPortMismatch = Code(rawValue: "security-port-mismatch")
        /// A port that belongs to another protocol (POP3 on 993 …).
        public static let protocolPortMismatch = Code(rawValue: "protocol-port-mismatch")
        /// SMTP on port 25, which many networks block for mail programs.
        public static let port25 = Code(rawValue: "port-25")
        /// A page address (`visiturl`, documentation `url`) over plain http.
        public static let insecureURL = Code(rawValue: "insecure-url")
        /// A server that accepts only OAuth2 in a file without `<oAuth2>` settings.
        public static let oauthWithoutSettings = Code(rawValue: "oauth-without-settings")
        /// No usable incoming (POP3 or IMAP) server in the file.
        public static let noIncomingServer = Code(rawValue: "no-incoming-server")
        /// No usable outgoing (SMTP) server in the file.
        public static let noOutgoingServer = Code(rawValue: "no-outgoing-server")
    }

    /// Error or warning.
    public var severity: Severity
    /// What was found, as a stable name.
    public var code: Code
    /// The 1-based line of the element concerned, when known.
    public var line: Int?
    /// What is wrong and what to do, in English, without the line number.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ code: Code, line: Int?, _ message: String) {
        self.severity = severity
        self.code = code
        self.line = line
        self.message = message
    }

    /// `line 12: port 99999 is out of range (1–65535)`, or the message alone when the line is unknown.
    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }
}
