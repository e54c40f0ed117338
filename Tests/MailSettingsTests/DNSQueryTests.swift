import Testing

@testable import MailSettings

/// Bytes from hexadecimal text; spaces, newlines and `|` (used to mark field boundaries) are ignored.
func dnsHex(_ text: String) -> [UInt8] {
    let digits = text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "|") }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    func value(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: preconditionFailure("not a hex digit: \(digit)")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
}

@Suite("DNS query encoding")
struct DNSQueryTests {
    /// `_pop3s._tcp.example.test. IN SRV`, ID 0x1234, RD, EDNS(0) with 1232 bytes and DO.
    static let srvQuery = dnsHex(
        """
        1234 0100 0001 0000 0000 0001
        06 5f706f703373 | 04 5f746370 | 07 6578616d706c65 | 04 74657374 | 00
        0021 0001
        00 0029 04d0 00 00 8000 0000
        """)

    @Test func srvQueryBytesAreExact() throws {
        let bytes = try DNSQuery.encode(id: 0x1234, name: "_pop3s._tcp.example.test", type: .srv)
        #expect(bytes == Self.srvQuery)
    }

    @Test func trailingDotAndCaseAreAccepted() throws {
        let query = try DNSQuery(id: 0x1234, name: "_POP3S._tcp.Example.TEST.", type: .srv)
        #expect(query.question == DNSQuestion(name: "_pop3s._tcp.example.test", type: .srv))
        // Case is kept on the wire (answers repeat it; the parser lower-cases it).
        #expect(query.encode()[13...18] == dnsHex("5f504f503353")[...])
    }

    @Test func withoutDNSSECOrRecursion() throws {
        let bytes = try DNSQuery.encode(
            id: 0xBEEF, name: "example.test", type: .mx, recursionDesired: false, dnssecOK: false,
            udpPayloadSize: 4096)
        let expected = dnsHex(
            """
            beef 0000 0001 0000 0000 0001
            07 6578616d706c65 04 74657374 00 000f 0001
            00 0029 1000 00 00 0000 0000
            """)
        #expect(bytes == expected)
    }

    @Test func domainNameOverloadGivesTheSameBytes() throws {
        let domain = try DomainName("Example.TEST")
        let fromDomain = DNSQuery.encode(id: 7, name: domain, type: .txt)
        let fromString = try DNSQuery.encode(id: 7, name: "example.test", type: .txt)
        #expect(fromDomain == fromString)
        let unicode = try DomainName("españa.es")
        let query = DNSQuery(id: 7, name: unicode, type: .mx)
        #expect(query.question.name == "xn--espaa-rta.es")
    }

    @Test func rootQuery() throws {
        let bytes = try DNSQuery.encode(id: 1, name: ".", type: .ns)
        #expect(bytes[12...16] == [0, 0, 2, 0, 1][...])
    }

    @Test func encodedQueryParsesBack() throws {
        let message = try DNSMessage(bytes: Self.srvQuery)
        #expect(!message.isResponse)
        #expect(message.recursionDesired)
        #expect(message.questions == [DNSQuestion(name: "_pop3s._tcp.example.test", type: .srv)])
        #expect(message.edns == DNSEDNS(udpPayloadSize: 1232, extendedRCode: 0, version: 0, dnssecOK: true, options: []))
    }

    @Test(arguments: [
        ("", DNSWireError.Code.invalidName),
        ("a..b", .invalidName),
        (".example.test", .invalidName),
        ("exa mple.test", .invalidName),
        ("españa.es", .invalidName),
        ("back\\slash.test", .invalidName),
        (String(repeating: "a", count: 64) + ".test", .labelTooLong),
        (Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."), .nameTooLong),
    ])
    func badNamesAreRefused(name: String, code: DNSWireError.Code) {
        #expect {
            _ = try DNSQuery.encode(id: 1, name: name, type: .a)
        } throws: { error in
            (error as? DNSWireError)?.code == code
        }
    }

    @Test func longestNameIsAccepted() throws {
        // 3 × 63-byte labels + one 61-byte label: 3×64 + 62 + 1 = 255 bytes in wire form.
        let name = Array(repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "."
            + String(repeating: "b", count: 61)
        let bytes = try DNSQuery.encode(id: 1, name: name, type: .a)
        #expect(bytes.count == 12 + 255 + 4 + 11)
    }

    @Test func typeClassAndRCodeDescriptions() {
        #expect(DNSRecordType.srv.description == "SRV")
        #expect(DNSRecordType(rawValue: 99).description == "TYPE99")
        #expect(DNSClass.internet.description == "IN")
        #expect(DNSResponseCode.nameError.description == "NXDOMAIN")
        #expect(DNSResponseCode(rawValue: 23).description == "RCODE23")
        #expect(DNSQuestion(name: "example.test", type: .mx).description == "example.test. IN MX")
    }
}
