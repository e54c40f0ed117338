/// Why a configuration file could not be written.
///
/// The ``description`` is one line for people: the format, the field and the value refused
/// (shown safely, with invisible characters as `\u{…}`), what is wrong and what to do.
/// Programs match on ``code``:
///
/// ```swift
/// do {
///     let file = try ExportWriters.writer(for: .mpop).write(account)
/// } catch where error.code == .unsupportedProtocol {
///     // mpop reads POP3 only
/// }
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a default branch.
public struct ExportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. Compare with the static members, such as `.unsafeValue`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case unsafeValue
            case missingServer
            case unsupportedProtocol
            case unsupportedSecurity
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// A value (host name, port, user name, address, name, password command) cannot be
        /// written safely in this format; ``ExportError/field`` and ``ExportError/value`` say which.
        public static let unsafeValue = Code(.unsafeValue)
        /// The format needs a server the account does not have (msmtp needs an SMTP server,
        /// mpop a POP3 server).
        public static let missingServer = Code(.missingServer)
        /// The format cannot use the server's protocol (mpop with IMAP, or SMTP given as the
        /// incoming server).
        public static let unsupportedProtocol = Code(.unsupportedProtocol)
        /// The client cannot use the server's connection security (getmail has no STARTTLS).
        public static let unsupportedSecurity = Code(.unsupportedSecurity)

        /// The code's name, such as `unsafeValue`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem was found.
    public let code: Code
    /// The format that was being written.
    public let format: ExportFormat
    /// The field concerned, such as `incoming hostname` or `password command`; nil when the
    /// problem is not about one value.
    public let field: String?
    /// The value refused, as given; nil when the problem is not about one value.
    public let value: String?
    /// One line for people: what could not be written, why, and what to do.
    public let description: String

    init(_ code: Code, format: ExportFormat, field: String? = nil, value: String? = nil, _ message: String) {
        self.code = code
        self.format = format
        self.field = field
        self.value = value
        self.description = "cannot write the \(format.rawValue) file: " + message
    }

    /// An ``unsafeValue`` error: `<field> "<value>" <problem>`.
    static func unsafe(_ format: ExportFormat, _ field: String, _ value: String, _ problem: String) -> ExportError {
        ExportError(
            .unsafeValue, format: format, field: field, value: value,
            "the \(field) \(AddressError.quoted(value)) \(problem)")
    }

    /// True when the error has the given code; lets `if case` and `switch` match on codes.
    public static func ~= (code: Code, error: ExportError) -> Bool {
        error.code == code
    }
}
