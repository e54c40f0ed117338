/// The 12-byte header of a DNS message (RFC 1035 section 4.1.1, RFC 4035 for AD and CD).
public struct DNSHeader: Sendable, Hashable {
    /// The query ID, repeated in the answer.
    public var id: UInt16
    /// The QR bit: the message is a response.
    public var isResponse: Bool
    /// The 4-bit operation code; 0 is a standard query.
    public var opcode: UInt8
    /// The AA bit: the answer comes from a server authoritative for the name.
    public var isAuthoritative: Bool
    /// The TC bit: the message was truncated to fit a UDP datagram; ask again over TCP.
    public var isTruncated: Bool
    /// The RD bit: recursion was asked for.
    public var recursionDesired: Bool
    /// The RA bit: the server offers recursion.
    public var recursionAvailable: Bool
    /// The AD bit: the resolver validated the answer with DNSSEC (trust it only from a
    /// resolver on a trusted path).
    public var authenticData: Bool
    /// The CD bit: DNSSEC checking was disabled.
    public var checkingDisabled: Bool
    /// The 4-bit response code of the header alone (see ``DNSMessage/rcode`` for the full code).
    public var headerRCode: UInt8
    /// The number of questions.
    public var questionCount: UInt16
    /// The number of answer records.
    public var answerCount: UInt16
    /// The number of authority records.
    public var authorityCount: UInt16
    /// The number of additional records.
    public var additionalCount: UInt16

    /// Reads the header at the start of `bytes`, so that the ID and the TC bit can be checked
    /// even when the rest of the message is damaged.
    ///
    /// - Throws: ``DNSWireError`` with code `emptyMessage`, `tooLarge` or `truncated`.
    public init(bytes: [UInt8]) throws(DNSWireError) {
        guard !bytes.isEmpty else {
            throw DNSWireError(.emptyMessage, at: nil, "the DNS message is empty")
        }
        guard bytes.count <= DNSMessage.maximumSize else {
            throw DNSWireError(
                .tooLarge, at: nil,
                "the DNS message is \(bytes.count) bytes, more than the \(DNSMessage.maximumSize) allowed")
        }
        guard bytes.count >= 12 else {
            throw DNSWireError(
                .truncated, at: bytes.count, "the DNS message is \(bytes.count) bytes, shorter than its 12-byte header")
        }
        func u16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }
        id = u16(0)
        let flags = u16(2)
        isResponse = flags & 0x8000 != 0
        opcode = UInt8((flags >> 11) & 0x0F)
        isAuthoritative = flags & 0x0400 != 0
        isTruncated = flags & 0x0200 != 0
        recursionDesired = flags & 0x0100 != 0
        recursionAvailable = flags & 0x0080 != 0
        authenticData = flags & 0x0020 != 0
        checkingDisabled = flags & 0x0010 != 0
        headerRCode = UInt8(flags & 0x000F)
        questionCount = u16(4)
        answerCount = u16(6)
        authorityCount = u16(8)
        additionalCount = u16(10)
    }
}

/// A DNS message read from its wire form (RFC 1035, with EDNS(0) from RFC 6891).
///
/// ```swift
/// let message = try DNSMessage(bytes: datagram)
/// guard message.isResponse(to: query) else { return }  // stale or spoofed: keep waiting
/// if message.isTruncated { /* ask again over TCP */ }
/// for record in message.answers {
///     if case .srv(let priority, let weight, let port, let target) = record.data { … }
/// }
/// ```
///
/// Reading is strict and safe: every malformed message throws a ``DNSWireError``, in time
/// proportional to its size. Compression pointers must point to an earlier name (so they can
/// never loop) and a name follows at most ``maximumPointerJumps`` of them.
///
/// A message with the TC bit set may end early: reading then stops quietly at the end of the
/// bytes, keeping the questions and records that were complete.
public struct DNSMessage: Sendable, Hashable {
    /// The largest message DNS can carry (over TCP, with a 16-bit length).
    public static let maximumSize = 65_535
    /// The most compression pointers one name may follow.
    public static let maximumPointerJumps = 128

    /// The header.
    public var header: DNSHeader
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section (an SOA record here comes with NXDOMAIN and empty answers).
    public var authorities: [DNSResourceRecord]
    /// The additional section, the OPT record included.
    public var additionals: [DNSResourceRecord]
    /// What the OPT record says, when the message has one.
    public var edns: DNSEDNS?

    /// The query ID.
    public var id: UInt16 { header.id }
    /// The QR bit: the message is a response.
    public var isResponse: Bool { header.isResponse }
    /// The 4-bit operation code; 0 is a standard query.
    public var opcode: UInt8 { header.opcode }
    /// The AA bit: an authoritative answer.
    public var isAuthoritative: Bool { header.isAuthoritative }
    /// The TC bit: the answer was truncated; ask again over TCP.
    public var isTruncated: Bool { header.isTruncated }
    /// The RD bit: recursion was asked for.
    public var recursionDesired: Bool { header.recursionDesired }
    /// The RA bit: the server offers recursion.
    public var recursionAvailable: Bool { header.recursionAvailable }
    /// The AD bit: the resolver says it validated the answer with DNSSEC.
    public var authenticData: Bool { header.authenticData }
    /// The CD bit: DNSSEC checking was disabled.
    public var checkingDisabled: Bool { header.checkingDisabled }

    /// The full response code: the header's 4 bits with the OPT record's upper 8 bits.
    public var rcode: DNSResponseCode {
        DNSResponseCode(rawValue: UInt16(edns?.extendedRCode ?? 0) << 4 | UInt16(header.headerRCode))
    }

    /// Whether this message is the response to `query`: the QR bit set, the same ID and the
    /// same one question (names compare without regard to case, as both are lower-cased).
    /// A message that is not should be dropped, as stale or spoofed (RFC 5452).
    public func isResponse(to query: DNSQuery) -> Bool {
        header.isResponse && header.id == query.id && questions == [query.question]
    }

    /// Reads a whole message.
    ///
    /// - Throws: ``DNSWireError`` when the bytes are not a well-formed DNS message.
    public init(bytes: [UInt8]) throws(DNSWireError) {
        header = try DNSHeader(bytes: bytes)
        var reader = Reader(bytes: bytes, lenient: header.isTruncated)
        questions = []
        answers = []
        authorities = []
        additionals = []
        edns = nil

        // Every question takes at least 5 bytes and every record 11: never reserve more than fits.
        questions.reserveCapacity(min(Int(header.questionCount), bytes.count / 5))
        for _ in 0..<header.questionCount {
            guard let question = try reader.question(section: "question") else { return }
            questions.append(question)
        }
        let sections: [(count: UInt16, name: String)] = [
            (header.answerCount, "answer"), (header.authorityCount, "authority"),
            (header.additionalCount, "additional"),
        ]
        for (index, section) in sections.enumerated() {
            var records: [DNSResourceRecord] = []
            records.reserveCapacity(min(Int(section.count), bytes.count / 11))
            for _ in 0..<section.count {
                guard let record = try reader.record(section: section.name) else {
                    assign(records, to: index)
                    return
                }
                if index == 2, case .opt(let options) = record.data {
                    guard edns == nil else {
                        throw DNSWireError(.invalidOPT, at: reader.recordStart, "the message has more than one OPT record")
                    }
                    guard record.name == "." else {
                        throw DNSWireError(.invalidOPT, at: reader.recordStart, "the OPT record is not owned by the root name")
                    }
                    edns = DNSEDNS(
                        udpPayloadSize: record.recordClass.rawValue, extendedRCode: UInt8(record.ttl >> 24),
                        version: UInt8((record.ttl >> 16) & 0xFF), dnssecOK: record.ttl & 0x8000 != 0,
                        options: options)
                }
                records.append(record)
            }
            assign(records, to: index)
        }
        guard reader.offset == bytes.count else {
            throw DNSWireError(
                .trailingGarbage, at: reader.offset,
                "\(bytes.count - reader.offset) bytes follow the last record the header counts")
        }
    }

    private mutating func assign(_ records: [DNSResourceRecord], to section: Int) {
        switch section {
        case 0: answers = records
        case 1: authorities = records
        default: additionals = records
        }
    }
}

/// Reads questions and records one after the other.
private struct Reader {
    let bytes: [UInt8]
    /// When true (the TC bit is set), running out of bytes ends reading quietly: `nil` is returned.
    let lenient: Bool
    var offset = 12
    var recordStart = 12

    init(bytes: [UInt8], lenient: Bool) {
        self.bytes = bytes
        self.lenient = lenient
    }

    func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }

    /// Throws the "ran out of bytes" error unless reading is lenient.
    func outOfBytes(_ error: DNSWireError) throws(DNSWireError) {
        if !lenient { throw error }
    }

    func missing(_ section: String) -> DNSWireError {
        DNSWireError(
            .countMismatch, at: offset,
            "the message ends before the \(section) section has as many entries as its header counts")
    }

    /// Starts the next entry of `section` and reads its owner name; nil when the (truncated)
    /// message has ended, as ``outOfBytes(_:)`` allows.
    mutating func ownerName(section: String) throws(DNSWireError) -> (name: String, end: Int)? {
        recordStart = offset
        guard offset < bytes.count else {
            try outOfBytes(missing(section))
            return nil
        }
        let name: String
        let end: Int
        do {
            (name, end) = try DNSName.decode(bytes, at: offset, limit: bytes.count, inRecordData: false)
        } catch where error.code == .truncated {
            try outOfBytes(error)
            return nil
        }
        return (name, end)
    }

    mutating func question(section: String) throws(DNSWireError) -> DNSQuestion? {
        guard let (name, end) = try ownerName(section: section) else { return nil }
        guard end + 4 <= bytes.count else {
            try outOfBytes(DNSWireError(.truncated, at: end, "the message ends inside a question"))
            return nil
        }
        offset = end + 4
        return DNSQuestion(name: name, type: DNSRecordType(rawValue: u16(end)), recordClass: DNSClass(rawValue: u16(end + 2)))
    }

    mutating func record(section: String) throws(DNSWireError) -> DNSResourceRecord? {
        guard let (name, end) = try ownerName(section: section) else { return nil }
        guard end + 10 <= bytes.count else {
            try outOfBytes(DNSWireError(.truncated, at: end, "the message ends inside the fixed fields of a record"))
            return nil
        }
        let type = DNSRecordType(rawValue: u16(end))
        let recordClass = DNSClass(rawValue: u16(end + 2))
        let ttl = u32(end + 4)
        let length = Int(u16(end + 8))
        let dataStart = end + 10
        let dataEnd = dataStart + length
        guard dataEnd <= bytes.count else {
            try outOfBytes(
                DNSWireError(
                    .recordLengthPastEnd, at: end + 8,
                    "a \(type) record says it has \(length) bytes of data, but only \(bytes.count - dataStart) are left"))
            return nil
        }
        let data = try recordData(type: type, recordClass: recordClass, from: dataStart, to: dataEnd)
        offset = dataEnd
        return DNSResourceRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
    }

    func badLength(_ type: DNSRecordType, _ start: Int, _ detail: String) -> DNSWireError {
        DNSWireError(.badRDataLength, at: start, "a \(type) record's data \(detail)")
    }

    /// A name inside record data, which must not run past `end`.
    func name(at start: Int, end: Int) throws(DNSWireError) -> (String, Int) {
        try DNSName.decode(bytes, at: start, limit: end, inRecordData: true)
    }

    func recordData(type: DNSRecordType, recordClass: DNSClass, from start: Int, to end: Int) throws(DNSWireError)
        -> DNSRecordData
    {
        let length = end - start
        func exactly(_ position: Int) throws(DNSWireError) {
            guard position == end else {
                throw badLength(type, start, "has \(end - position) bytes left over after its fields")
            }
        }
        switch type {
        case .a where recordClass == .internet:
            guard let address = DNSIPv4Address(bytes: Array(bytes[start..<end])) else {
                throw badLength(type, start, "is \(length) bytes; an IPv4 address is 4")
            }
            return .a(address)
        case .aaaa where recordClass == .internet:
            guard let address = DNSIPv6Address(bytes: Array(bytes[start..<end])) else {
                throw badLength(type, start, "is \(length) bytes; an IPv6 address is 16")
            }
            return .aaaa(address)
        case .cname, .ns:
            let (target, after) = try name(at: start, end: end)
            try exactly(after)
            return type == .cname ? .cname(target) : .ns(target)
        case .mx:
            guard length >= 3 else { throw badLength(type, start, "is \(length) bytes, too short for an MX record") }
            let (exchange, after) = try name(at: start + 2, end: end)
            try exactly(after)
            return .mx(preference: u16(start), exchange: exchange)
        case .srv:
            guard length >= 7 else { throw badLength(type, start, "is \(length) bytes, too short for an SRV record") }
            let (target, after) = try name(at: start + 6, end: end)
            try exactly(after)
            return .srv(priority: u16(start), weight: u16(start + 2), port: u16(start + 4), target: target)
        case .txt:
            guard length > 0 else { throw badLength(type, start, "is empty; a TXT record has at least one string") }
            var strings: [[UInt8]] = []
            var position = start
            while position < end {
                let count = Int(bytes[position])
                guard position + 1 + count <= end else {
                    throw badLength(type, position, "has a string of \(count) bytes that runs past its end")
                }
                strings.append(Array(bytes[(position + 1)..<(position + 1 + count)]))
                position += 1 + count
            }
            return .txt(strings)
        case .soa:
            let (primary, afterPrimary) = try name(at: start, end: end)
            let (mailbox, afterMailbox) = try name(at: afterPrimary, end: end)
            guard afterMailbox + 20 <= end else {
                throw badLength(type, start, "is too short for the SOA serial and timers")
            }
            try exactly(afterMailbox + 20)
            return .soa(
                primary: primary, mailbox: mailbox, serial: u32(afterMailbox), refresh: u32(afterMailbox + 4),
                retry: u32(afterMailbox + 8), expire: u32(afterMailbox + 12), minimum: u32(afterMailbox + 16))
        case .opt:
            var options: [DNSEDNSOption] = []
            var position = start
            while position < end {
                guard position + 4 <= end else {
                    throw badLength(type, position, "ends inside an option's code and length")
                }
                let count = Int(u16(position + 2))
                guard position + 4 + count <= end else {
                    throw badLength(type, position, "has an option of \(count) bytes that runs past its end")
                }
                options.append(DNSEDNSOption(code: u16(position), data: Array(bytes[(position + 4)..<(position + 4 + count)])))
                position += 4 + count
            }
            return .opt(options)
        default:
            return .other(type: type, bytes: Array(bytes[start..<end]))
        }
    }
}
