/// Names one place settings can come from (the `sources` ids of the CLI's JSON).
public struct SourceID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The stable id, such as `bundled` or `srv`.
    public let rawValue: String

    /// Creates a source id from its stable name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The knowledge base shipped inside the package.
    public static let bundled = SourceID(rawValue: "bundled")
    /// `https://autoconfig.<domain>/mail/config-v1.1.xml`.
    public static let autoconfigHTTPS = SourceID(rawValue: "autoconfig-https")
    /// `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`.
    public static let wellKnownHTTPS = SourceID(rawValue: "well-known-https")
    /// The autoconfig URL over plain HTTP (not trusted).
    public static let autoconfigHTTP = SourceID(rawValue: "autoconfig-http")
    /// The `.well-known` URL over plain HTTP (not trusted).
    public static let wellKnownHTTP = SourceID(rawValue: "well-known-http")
    /// Thunderbird's ISP database.
    public static let ispdb = SourceID(rawValue: "ispdb")
    /// The domain's MX records matched against hosting patterns.
    public static let mx = SourceID(rawValue: "mx")
    /// RFC 6186/8314 SRV records.
    public static let srv = SourceID(rawValue: "srv")
    /// Exchange Autodiscover (POX).
    public static let autodiscover = SourceID(rawValue: "autodiscover")
    /// Common host names, counted only once a probe confirms them.
    public static let guess = SourceID(rawValue: "guess")

    /// The raw value, as written in files and JSON.
    public var description: String { rawValue }

    /// Orders ids by their raw value.
    public static func < (lhs: SourceID, rhs: SourceID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes the value from its JSON form.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the value in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
