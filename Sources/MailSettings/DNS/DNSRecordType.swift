/// The type of a DNS resource record or question (RFC 1035 section 3.2.2), such as ``a`` or ``srv``.
///
/// Any 16-bit value is a valid type; the static members name the ones this package reads.
public struct DNSRecordType: Sendable, Hashable, CustomStringConvertible {
    /// The type's number on the wire.
    public let rawValue: UInt16

    /// A type from its number on the wire.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `A` (1): an IPv4 address.
    public static let a = DNSRecordType(rawValue: 1)
    /// `NS` (2): an authoritative name server.
    public static let ns = DNSRecordType(rawValue: 2)
    /// `CNAME` (5): the canonical name of an alias.
    public static let cname = DNSRecordType(rawValue: 5)
    /// `SOA` (6): the start of a zone of authority.
    public static let soa = DNSRecordType(rawValue: 6)
    /// `MX` (15): a mail exchanger (RFC 1035, RFC 7505 for the null MX).
    public static let mx = DNSRecordType(rawValue: 15)
    /// `TXT` (16): text strings.
    public static let txt = DNSRecordType(rawValue: 16)
    /// `AAAA` (28): an IPv6 address (RFC 3596).
    public static let aaaa = DNSRecordType(rawValue: 28)
    /// `SRV` (33): the location of a service (RFC 2782).
    public static let srv = DNSRecordType(rawValue: 33)
    /// `OPT` (41): the EDNS(0) pseudo-record (RFC 6891).
    public static let opt = DNSRecordType(rawValue: 41)

    /// The mnemonic, such as `SRV`, or `TYPE` and the number (RFC 3597) for other types.
    public var description: String {
        switch rawValue {
        case 1: "A"
        case 2: "NS"
        case 5: "CNAME"
        case 6: "SOA"
        case 15: "MX"
        case 16: "TXT"
        case 28: "AAAA"
        case 33: "SRV"
        case 41: "OPT"
        default: "TYPE\(rawValue)"
        }
    }
}

/// The class of a DNS resource record or question (RFC 1035 section 3.2.4); almost always
/// ``internet``.
public struct DNSClass: Sendable, Hashable, CustomStringConvertible {
    /// The class's number on the wire.
    public let rawValue: UInt16

    /// A class from its number on the wire.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `IN` (1): the Internet.
    public static let internet = DNSClass(rawValue: 1)
    /// `CH` (3): Chaos, used for server queries such as `version.bind`.
    public static let chaos = DNSClass(rawValue: 3)
    /// `ANY` (255), for questions only.
    public static let any = DNSClass(rawValue: 255)

    /// The mnemonic, such as `IN`, or `CLASS` and the number (RFC 3597).
    public var description: String {
        switch rawValue {
        case 1: "IN"
        case 3: "CH"
        case 255: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}

/// The response code of a DNS message (RFC 1035 section 4.1.1, extended to 12 bits by the
/// EDNS(0) OPT record of RFC 6891).
public struct DNSResponseCode: Sendable, Hashable, CustomStringConvertible {
    /// The code's number: the header's 4 bits, plus the OPT record's 8 upper bits when there is one.
    public let rawValue: UInt16

    /// A response code from its number.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `NOERROR` (0): the query succeeded (the answer may still be empty: "no data").
    public static let noError = DNSResponseCode(rawValue: 0)
    /// `FORMERR` (1): the server could not read the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// `SERVFAIL` (2): the server could not answer, for example because a zone is broken
    /// or DNSSEC validation failed.
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// `NXDOMAIN` (3): the name does not exist (at all, for any type).
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// `NOTIMP` (4): the server does not support this kind of query.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// `REFUSED` (5): the server will not answer this query, by policy.
    public static let refused = DNSResponseCode(rawValue: 5)
    /// `BADVERS` (16): the server does not support the EDNS version asked for (RFC 6891).
    public static let badVersion = DNSResponseCode(rawValue: 16)

    /// The mnemonic, such as `NXDOMAIN`, or `RCODE` and the number.
    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 16: "BADVERS"
        default: "RCODE\(rawValue)"
        }
    }
}
