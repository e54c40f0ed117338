/// What the person wants from a lookup, beyond the address itself.
public struct LookupOptions: Sendable, Hashable {
    /// The incoming protocol to put first (POP3 by default: the people we serve chose it).
    public var preferredIncoming: MailProtocol
    /// The language of notes and reasons.
    public var language: Language
    /// MX hosts of the domain, best preference first, to match against hosting patterns.
    public var mxHosts: [String]

    /// Creates options.
    public init(preferredIncoming: MailProtocol = .pop3, language: Language = .english, mxHosts: [String] = []) {
        self.preferredIncoming = preferredIncoming
        self.language = language
        self.mxHosts = mxHosts
    }
}
