/// A value that is written in JSON as its ASCII string and validated again when read back,
/// so a decoded ``DomainName`` or ``EmailAddress`` is as trustworthy as a parsed one.
public protocol ValidatedStringCodable: Codable {
    /// Parses and validates the text.
    init(_ input: String) throws(AddressError)
    /// The ASCII form written to JSON.
    var ascii: String { get }
}

extension ValidatedStringCodable {
    /// Decodes the value from a string, validating it like ``init(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the value as its ``ascii`` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ascii)
    }
}
