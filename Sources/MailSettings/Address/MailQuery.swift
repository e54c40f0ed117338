/// What a person typed: an address or just a domain.
public enum MailQuery: Sendable, Hashable, CustomStringConvertible {
    /// A whole address, such as `alice@example.com`.
    case address(EmailAddress)
    /// A domain only, such as `example.com`; user names stay as placeholders.
    case domain(DomainName)

    /// Parses what a person typed: text with an `@` is an address, anything else a domain.
    ///
    /// - Throws: ``AddressError`` saying what is wrong and what to do.
    public init(parsing input: String) throws(AddressError) {
        let text = AddressText.trimmed(input)
        guard !text.isEmpty else {
            throw AddressError(
                .empty, input: text, problem: "is empty",
                advice: "type an address, like alice@example.com, or a domain, like example.com")
        }
        if text.utf8.contains(UInt8(ascii: "@")) {
            self = .address(try EmailAddress(text))
        } else {
            self = .domain(try DomainName(text))
        }
    }

    /// The domain to look settings up for.
    public var domain: DomainName {
        switch self {
        case .address(let address): address.domain
        case .domain(let domain): domain
        }
    }

    /// The address, when one was given.
    public var address: EmailAddress? {
        switch self {
        case .address(let address): address
        case .domain: nil
        }
    }

    /// The address or domain in ASCII form.
    public var description: String {
        switch self {
        case .address(let address): address.ascii
        case .domain(let domain): domain.ascii
        }
    }
}
