/// A question of a DNS message: a name, a type and a class (RFC 1035 section 4.1.2).
public struct DNSQuestion: Sendable, Hashable, CustomStringConvertible {
    /// The name asked about, in presentation form: lower-case ASCII, no trailing dot, `.` for
    /// the root, unusual bytes escaped as `\DDD`.
    public var name: String
    /// The record type asked for.
    public var type: DNSRecordType
    /// The class asked about, almost always ``DNSClass/internet``.
    public var recordClass: DNSClass

    /// A question; `name` is kept as given (``DNSMessage`` always gives it in presentation form).
    public init(name: String, type: DNSRecordType, recordClass: DNSClass = .internet) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }

    /// The question as in a zone file: `name. IN TYPE`.
    public var description: String {
        "\(name == "." ? "" : name). \(recordClass) \(type)"
    }
}

/// A resource record of a DNS message (RFC 1035 section 4.1.3).
public struct DNSResourceRecord: Sendable, Hashable {
    /// The record's owner name, in presentation form (see ``DNSQuestion/name``).
    public var name: String
    /// The record's type.
    public var type: DNSRecordType
    /// The record's class. For an OPT record this field is the sender's UDP payload size instead.
    public var recordClass: DNSClass
    /// The time to live, in seconds, as sent. For an OPT record this field holds the extended
    /// response code, version and flags instead.
    public var ttl: UInt32
    /// The record's data, read according to its type.
    public var data: DNSRecordData

    /// A record from its fields.
    public init(name: String, type: DNSRecordType, recordClass: DNSClass, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }
}

/// The data of a resource record, read according to its type.
///
/// Names are in presentation form (see ``DNSQuestion/name``), compression pointers resolved.
public enum DNSRecordData: Sendable, Hashable {
    /// An `A` record (class IN): an IPv4 address.
    case a(DNSIPv4Address)
    /// An `AAAA` record (class IN): an IPv6 address.
    case aaaa(DNSIPv6Address)
    /// A `CNAME` record: the canonical name the owner name is an alias of.
    case cname(String)
    /// An `NS` record: a name server of the zone.
    case ns(String)
    /// An `MX` record: a mail exchanger and its preference (lower is preferred). An exchange
    /// of `.` with preference 0 is a null MX (RFC 7505): the domain takes no mail.
    case mx(preference: UInt16, exchange: String)
    /// An `SRV` record (RFC 2782). A target of `.` means the service is decidedly not offered.
    case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
    /// A `TXT` record: its character strings, as bytes, in order (join them for the whole text).
    case txt([[UInt8]])
    /// An `SOA` record: the zone's primary server, its responsible mailbox (as a name),
    /// serial and timers; `minimum` is the time negative answers may be cached (RFC 2308).
    case soa(
        primary: String, mailbox: String, serial: UInt32, refresh: UInt32, retry: UInt32,
        expire: UInt32, minimum: UInt32)
    /// An `OPT` pseudo-record (RFC 6891): its EDNS options. The header-like fields are in
    /// ``DNSMessage/edns``.
    case opt([DNSEDNSOption])
    /// A record of another type (or an `A`/`AAAA` record of a class other than IN): its raw data.
    case other(type: DNSRecordType, bytes: [UInt8])
}

/// One option of an EDNS(0) OPT record (RFC 6891 section 6.1.2).
public struct DNSEDNSOption: Sendable, Hashable {
    /// The option code, such as 10 for a cookie or 15 for extended DNS errors.
    public var code: UInt16
    /// The option's data.
    public var data: [UInt8]

    /// An option from its code and data.
    public init(code: UInt16, data: [UInt8]) {
        self.code = code
        self.data = data
    }
}

/// What the OPT pseudo-record of a message says (RFC 6891 section 6.1.3).
public struct DNSEDNS: Sendable, Hashable {
    /// The largest UDP payload the sender can receive.
    public var udpPayloadSize: UInt16
    /// The upper 8 bits of the 12-bit response code (already merged into ``DNSMessage/rcode``).
    public var extendedRCode: UInt8
    /// The EDNS version; 0 today.
    public var version: UInt8
    /// The DO bit: the sender wants (or sent) DNSSEC records.
    public var dnssecOK: Bool
    /// The options, in order.
    public var options: [DNSEDNSOption]

    /// EDNS information from its fields.
    public init(udpPayloadSize: UInt16, extendedRCode: UInt8, version: UInt8, dnssecOK: Bool, options: [DNSEDNSOption]) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedRCode = extendedRCode
        self.version = version
        self.dnssecOK = dnssecOK
        self.options = options
    }
}
