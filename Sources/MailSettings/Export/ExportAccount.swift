/// The account a ``ClientConfigWriter`` writes a file for: who the user is and which servers to use.
///
/// Nothing here is trusted: the servers usually come from files and DNS records found on the
/// internet, so every writer checks each value before it reaches a file and throws an
/// ``ExportError`` for one it cannot write safely.
public struct ExportAccount: Sendable, Hashable {
    /// The email address the account sends from.
    public var address: EmailAddress
    /// The name shown with the address, such as the person's or the provider's name; optional.
    public var displayName: String?
    /// The server to read mail from (POP3 or IMAP), with its user name already filled in.
    public var incoming: ServerSettings?
    /// The server to send mail with (SMTP), with its user name already filled in.
    public var outgoing: ServerSettings?
    /// A shell command that prints the password, given by the user (`--password-command`);
    /// written only by the formats that can run one.
    public var passwordCommand: String?

    /// Creates an account to export.
    public init(
        address: EmailAddress,
        displayName: String? = nil,
        incoming: ServerSettings? = nil,
        outgoing: ServerSettings? = nil,
        passwordCommand: String? = nil
    ) {
        self.address = address
        self.displayName = displayName
        self.incoming = incoming
        self.outgoing = outgoing
        self.passwordCommand = passwordCommand
    }

    /// The account a format should get from a lookup: the best incoming server of the preferred
    /// protocol (POP3 only for mpop), the best outgoing one, and as the name the provider's for a
    /// clientConfig file (it is the provider's document) or else the person's.
    ///
    /// ```swift
    /// let account = ExportAccount(address: address, result: result, format: .mpop, preferred: .pop3, personName: "Alice")
    /// ```
    public init(
        address: EmailAddress, result: LookupResult, format: ExportFormat, preferred: MailProtocol,
        personName: String? = nil, passwordCommand: String? = nil
    ) {
        let candidates = result.incoming.map(\.settings)
        let incoming = format == .mpop
            ? candidates.first { $0.protocol == .pop3 }
            : candidates.first { $0.protocol == preferred } ?? candidates.first
        self.init(
            address: address,
            displayName: format == .thunderbird ? (result.provider?.name ?? personName) : personName,
            incoming: incoming,
            outgoing: result.outgoing.first?.settings,
            passwordCommand: passwordCommand)
    }
}
