/// A DNS query: one question, with an EDNS(0) OPT record (RFC 6891) in the additional section.
///
/// ```swift
/// let bytes = try DNSQuery.encode(id: 0x1234, name: "_pop3s._tcp.example.com", type: .srv)
/// ```
///
/// The OPT record advertises ``udpPayloadSize`` (1232 by default, the size DNS Flag Day 2020
/// recommends, so that answers are not fragmented) and sets the DO bit when ``dnssecOK`` is true,
/// so that a validating resolver sets the AD bit in its answer.
public struct DNSQuery: Sendable, Hashable {
    /// The query ID, which the answer must repeat. Use a random one for each query.
    public var id: UInt16
    /// The question, its name in presentation form (lower-cased), as ``DNSMessage/questions``
    /// of the answer should give it back.
    public let question: DNSQuestion
    /// The RD bit: ask the server to resolve recursively.
    public var recursionDesired: Bool
    /// The DO bit of the OPT record: ask for DNSSEC records and the AD bit.
    public var dnssecOK: Bool
    /// The largest UDP answer this side can receive, advertised in the OPT record.
    public var udpPayloadSize: UInt16

    /// The name in wire form, as given (case kept).
    private let wireName: [UInt8]

    /// A query for `name`, given in ASCII (convert Unicode names to punycode first, for example
    /// with ``DomainName``); labels may hold any printable ASCII but `\`, such as the `_` of
    /// `_pop3s._tcp.example.com`. One trailing dot is allowed; `.` alone is the root.
    ///
    /// - Throws: ``DNSWireError`` with code `invalidName`, `labelTooLong` or `nameTooLong`.
    public init(
        id: UInt16, name: String, type: DNSRecordType, recordClass: DNSClass = .internet,
        recursionDesired: Bool = true, dnssecOK: Bool = true, udpPayloadSize: UInt16 = 1232
    ) throws(DNSWireError) {
        let wire = try DNSName.encode(name)
        self.id = id
        self.wireName = wire
        self.question = DNSQuestion(name: DNSName.presentation(ofWire: wire), type: type, recordClass: recordClass)
        self.recursionDesired = recursionDesired
        self.dnssecOK = dnssecOK
        self.udpPayloadSize = udpPayloadSize
    }

    /// A query for a validated domain name (its ``DomainName/ascii`` form).
    public init(
        id: UInt16, name: DomainName, type: DNSRecordType, recordClass: DNSClass = .internet,
        recursionDesired: Bool = true, dnssecOK: Bool = true, udpPayloadSize: UInt16 = 1232
    ) {
        // A DomainName is at most 253 ASCII octets in labels of 1 to 63 letters, digits and hyphens.
        var wire: [UInt8] = []
        for label in name.ascii.utf8.split(separator: UInt8(ascii: ".")) {
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        self.id = id
        self.wireName = wire
        self.question = DNSQuestion(name: DNSName.presentation(ofWire: wire), type: type, recordClass: recordClass)
        self.recursionDesired = recursionDesired
        self.dnssecOK = dnssecOK
        self.udpPayloadSize = udpPayloadSize
    }

    /// The query in wire form: header, question, and the OPT record.
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + wireName.count + 4 + 11)
        func append16(_ value: UInt16) {
            bytes.append(UInt8(value >> 8))
            bytes.append(UInt8(value & 0xFF))
        }
        append16(id)
        append16(recursionDesired ? 0x0100 : 0x0000)  // QR 0, opcode QUERY, RD
        append16(1)  // QDCOUNT
        append16(0)  // ANCOUNT
        append16(0)  // NSCOUNT
        append16(1)  // ARCOUNT: the OPT record
        bytes.append(contentsOf: wireName)
        append16(question.type.rawValue)
        append16(question.recordClass.rawValue)
        // OPT: root name, type 41, class = UDP payload size, TTL = extended RCODE 0, version 0,
        // flags (DO is the top bit), RDLENGTH 0.
        bytes.append(0)
        append16(DNSRecordType.opt.rawValue)
        append16(udpPayloadSize)
        append16(0)
        append16(dnssecOK ? 0x8000 : 0x0000)
        append16(0)
        return bytes
    }

    /// The wire form of a query for `name` (ASCII, as for the initializer that takes a `String`).
    ///
    /// - Throws: ``DNSWireError`` with code `invalidName`, `labelTooLong` or `nameTooLong`.
    public static func encode(
        id: UInt16, name: String, type: DNSRecordType, recursionDesired: Bool = true,
        dnssecOK: Bool = true, udpPayloadSize: UInt16 = 1232
    ) throws(DNSWireError) -> [UInt8] {
        try DNSQuery(
            id: id, name: name, type: type, recursionDesired: recursionDesired, dnssecOK: dnssecOK,
            udpPayloadSize: udpPayloadSize
        ).encode()
    }

    /// The wire form of a query for a validated domain name.
    public static func encode(
        id: UInt16, name: DomainName, type: DNSRecordType, recursionDesired: Bool = true,
        dnssecOK: Bool = true, udpPayloadSize: UInt16 = 1232
    ) -> [UInt8] {
        DNSQuery(
            id: id, name: name, type: type, recursionDesired: recursionDesired, dnssecOK: dnssecOK,
            udpPayloadSize: udpPayloadSize
        ).encode()
    }
}
