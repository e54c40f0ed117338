/// A validated email address: a local part and a ``DomainName``.
///
/// The local part is kept as typed (its case too; SMTPUTF8 local parts with non-ASCII
/// characters are allowed); the domain is normalised like ``DomainName`` does.
/// Quoted local parts (`"john doe"@example.com`), display names (`Alice <alice@example.com>`),
/// comments and IP-address domains are refused with a message that says what to type instead.
///
/// A value encodes as its ``ascii`` string and is validated again when decoded.
public struct EmailAddress: Sendable, Hashable, ValidatedStringCodable, CustomStringConvertible {
    /// The longest local part, in UTF-8 octets (RFC 5321).
    public static let maxLocalPartLength = 64

    /// The part before the `@`, as typed.
    public let localPart: String
    /// The part after the `@`, validated and normalised.
    public let domain: DomainName

    /// `localPart@domain` with the domain in its ASCII (punycode) form.
    public var ascii: String { localPart + "@" + domain.ascii }

    /// `localPart@domain` with the domain in Unicode, for people.
    public var unicode: String { localPart + "@" + domain.unicode }

    /// The ASCII form, ``ascii``.
    public var description: String { ascii }

    /// Whether an ASCII byte is refused in a local part: the characters that only make sense in
    /// quoted strings, comments, display names, route addresses and address literals.
    private static func isRefusedInLocalPart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "["),
            UInt8(ascii: "]"):
            return true
        default:
            return false
        }
    }

    /// Validates an email address typed by a person or read from a file.
    ///
    /// - Throws: ``AddressError`` saying what is wrong and what to do.
    public init(_ input: String) throws(AddressError) {
        let text = AddressText.trimmed(input)
        func fail(_ code: AddressError.Code, _ problem: String, _ advice: String) -> AddressError {
            AddressError(code, input: text, problem: problem, advice: advice)
        }
        guard !text.isEmpty else {
            throw fail(.empty, "is empty", "type an address, like alice@example.com")
        }
        let bytes = text.utf8
        if bytes.contains(UInt8(ascii: "<")) && bytes.contains(UInt8(ascii: ">")) {
            throw fail(
                .invalidCharacter, "looks like a name with an address in angle brackets",
                "type just the address, like alice@example.com")
        }
        // Before the space check: `"john doe"@example.com` is better told about its quotes.
        if bytes.contains(UInt8(ascii: "\"")) {
            throw fail(
                .invalidCharacter, "has a quoted local part",
                "quoted addresses (\"…\"@example.com) are not supported; use an address without quotes")
        }
        try AddressError.checkVisible(text)

        var parts = AddressText.split(text[...], on: UInt8(ascii: "@"))
        switch parts.count {
        case 1:
            throw fail(.missingAtSign, "has no @", "an address has one, like alice@example.com")
        case 2:
            break
        default:
            throw fail(.tooManyAtSigns, "has more than one @", "an address has exactly one, like alice@example.com")
        }
        let domainPart = parts.removeLast()
        let local = parts.removeLast()

        guard !local.isEmpty else {
            throw fail(
                .emptyLocalPart, "has nothing before the @",
                "type the whole address, like alice@example.com, or just the domain, like example.com")
        }
        guard !domainPart.isEmpty else {
            throw fail(.emptyDomain, "has nothing after the @", "add the domain, like alice@example.com")
        }
        let localLength = local.utf8.count
        guard localLength <= Self.maxLocalPartLength else {
            throw fail(
                .localPartTooLong,
                "has \(localLength) characters before the @, more than the \(Self.maxLocalPartLength) allowed",
                "check the address for a typing or pasting mistake")
        }
        if let bad = local.utf8.first(where: Self.isRefusedInLocalPart) {
            if bad == UInt8(ascii: ":"), local.utf8.count >= 7, local.prefix(7).lowercased() == "mailto:" {
                throw fail(.invalidCharacter, "is a mailto: link", "type just the address, like alice@example.com")
            }
            throw fail(
                .invalidCharacter, "has \(AddressError.quoted(String(Unicode.Scalar(bad)))) before the @",
                "quoted local parts, comments and lists are not supported; type one plain address, like alice@example.com")
        }

        self.domain = try DomainName(validating: domainPart, input: text, inAddress: true)
        self.localPart = String(local)
    }

}
