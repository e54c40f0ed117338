import Testing

@testable import MailSettings

/// Answers written byte by byte. Offsets in the comments are from the start of the message;
/// `c0xx` is a compression pointer to offset `xx`.
@Suite("DNS message parsing")
struct DNSMessageTests {
    /// `example.test` (14 bytes) as the question at offset 12; "example" is at 0x0c, "test" at 0x14.
    static let exampleTestQuestion = "07 6578616d706c65 04 74657374 00"

    /// Answer to `_pop3s._tcp.example.test. SRV`: two SRV records and an OPT record with DO.
    /// The question name is at 0x0c; its label "example" is at 0x18.
    static let srvAnswer = dnsHex(
        """
        1234 8180 0001 0002 0000 0001
        06 5f706f703373 04 5f746370 07 6578616d706c65 04 74657374 00 0021 0001
        c00c 0021 0001 00000e10 000c | 0000 0001 03e3 | 03 706f70 c018
        c00c 0021 0001 00000e10 0007 | 0000 0000 0000 | 00
        00 0029 04d0 00 00 8000 0000
        """)

    @Test func srvAnswerWithCompressionAndRootTarget() throws {
        let message = try DNSMessage(bytes: Self.srvAnswer)
        #expect(message.id == 0x1234)
        #expect(message.isResponse)
        #expect(message.recursionDesired && message.recursionAvailable)
        #expect(!message.isTruncated && !message.authenticData && !message.isAuthoritative)
        #expect(message.rcode == .noError)
        #expect(message.questions == [DNSQuestion(name: "_pop3s._tcp.example.test", type: .srv)])
        #expect(message.answers.count == 2)
        #expect(message.answers[0].name == "_pop3s._tcp.example.test")
        #expect(message.answers[0].ttl == 3600)
        #expect(message.answers[0].recordClass == .internet)
        #expect(message.answers[0].data == .srv(priority: 0, weight: 1, port: 995, target: "pop.example.test"))
        #expect(message.answers[1].data == .srv(priority: 0, weight: 0, port: 0, target: "."))
        #expect(message.additionals.count == 1)
        #expect(message.additionals[0].name == ".")
        #expect(message.edns?.dnssecOK == true)
        #expect(message.edns?.udpPayloadSize == 1232)
    }

    @Test func responseMatchesItsQuery() throws {
        let message = try DNSMessage(bytes: Self.srvAnswer)
        #expect(message.isResponse(to: try DNSQuery(id: 0x1234, name: "_POP3S._tcp.example.test.", type: .srv)))
        #expect(!message.isResponse(to: try DNSQuery(id: 0x1235, name: "_pop3s._tcp.example.test", type: .srv)))
        #expect(!message.isResponse(to: try DNSQuery(id: 0x1234, name: "_pop3._tcp.example.test", type: .srv)))
        #expect(!message.isResponse(to: try DNSQuery(id: 0x1234, name: "_pop3s._tcp.example.test", type: .txt)))
        // The query itself is not a response.
        let query = try DNSMessage(bytes: DNSQueryTests.srvQuery)
        #expect(!query.isResponse(to: try DNSQuery(id: 0x1234, name: "_pop3s._tcp.example.test", type: .srv)))
    }

    @Test func aRecords() throws {
        let bytes = dnsHex(
            """
            0001 8580 0001 0002 0000 0000
            \(Self.exampleTestQuestion) 0001 0001
            c00c 0001 0001 0000012c 0004 c0000201
            c00c 0001 0001 0000012c 0004 c6336407
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.isAuthoritative)
        #expect(message.questions == [DNSQuestion(name: "example.test", type: .a)])
        let addresses = message.answers.compactMap { record -> String? in
            if case .a(let address) = record.data { return address.description }
            return nil
        }
        #expect(addresses == ["192.0.2.1", "198.51.100.7"])
        #expect(message.answers.allSatisfy { $0.ttl == 300 && $0.type == .a })
    }

    @Test func aaaaRecord() throws {
        let bytes = dnsHex(
            """
            0002 8180 0001 0001 0000 0000
            \(Self.exampleTestQuestion) 001c 0001
            c00c 001c 0001 00000e10 0010 20010db8000000000000000000000001
            """)
        let message = try DNSMessage(bytes: bytes)
        guard case .aaaa(let address) = message.answers.first?.data else {
            Issue.record("no AAAA record")
            return
        }
        #expect(address.description == "2001:db8::1")
        #expect(address.bytes.count == 16)
    }

    @Test(arguments: [
        ("20010db8000000000000000000000001", "2001:db8::1"),
        ("00000000000000000000000000000000", "::"),
        ("00000000000000000000000000000001", "::1"),
        ("20010db8000000010001000100010001", "2001:db8:0:1:1:1:1:1"),  // one zero group: not compressed
        ("20010db8000000000001000000000001", "2001:db8::1:0:0:1"),  // tie: the first run
        ("20010db80000000000000000000a0000", "2001:db8::a:0"),
        ("fe800000000000000000000000000000", "fe80::"),
        ("00000000000000000000ffffc0000201", "::ffff:192.0.2.1"),
        ("20010DB8ABCD00120000000000000000", "2001:db8:abcd:12::"),
    ])
    func ipv6TextIsRFC5952(hex: String, text: String) throws {
        let address = try #require(DNSIPv6Address(bytes: dnsHex(hex)))
        #expect(address.description == text)
    }

    @Test func addressesNeedTheRightByteCount() {
        #expect(DNSIPv4Address(bytes: [1, 2, 3]) == nil)
        #expect(DNSIPv6Address(bytes: Array(repeating: 0, count: 15)) == nil)
        #expect(DNSIPv4Address(bytes: [10, 0, 0, 255])?.description == "10.0.0.255")
    }

    /// `www.example.test` → `web.example.test` → `cdn.example.test` → 192.0.2.2, every name compressed.
    @Test func cnameChain() throws {
        let bytes = dnsHex(
            """
            0003 8180 0001 0003 0000 0000
            03 777777 07 6578616d706c65 04 74657374 00 0001 0001
            c00c 0005 0001 00000e10 0006 03 776562 c010
            c02e 0005 0001 00000e10 0006 03 63646e c010
            c040 0001 0001 00000e10 0004 c0000202
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.answers.map(\.name) == ["www.example.test", "web.example.test", "cdn.example.test"])
        #expect(message.answers[0].data == .cname("web.example.test"))
        #expect(message.answers[1].data == .cname("cdn.example.test"))
        #expect(message.answers[2].data == .a(DNSIPv4Address(bytes: [192, 0, 2, 2])!))
    }

    @Test func mxRecords() throws {
        let bytes = dnsHex(
            """
            0004 8180 0001 0002 0000 0000
            \(Self.exampleTestQuestion) 000f 0001
            c00c 000f 0001 00000e10 0007 000a 02 6d78 c00c
            c00c 000f 0001 00000e10 0015 0014 04 61737078 01 6c 06 676f6f676c65 03 636f6d 00
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(
            message.answers.map(\.data) == [
                .mx(preference: 10, exchange: "mx.example.test"),
                .mx(preference: 20, exchange: "aspx.l.google.com"),
            ])
    }

    @Test func txtWithManyStringsLongerThan255() throws {
        let a200 = String(repeating: "61", count: 200)
        let b100 = String(repeating: "62", count: 100)
        // RDLENGTH: (1 + 200) + (1 + 100) + (1 + 6) = 309 = 0x0135.
        let bytes = dnsHex(
            """
            0005 8180 0001 0001 0000 0000
            \(Self.exampleTestQuestion) 0010 0001
            c00c 0010 0001 00000e10 0135 c8 \(a200) 64 \(b100) 06 763d73706631
            """)
        let message = try DNSMessage(bytes: bytes)
        guard case .txt(let strings) = message.answers.first?.data else {
            Issue.record("no TXT record")
            return
        }
        #expect(strings.count == 3)
        #expect(strings[0] == Array(repeating: UInt8(ascii: "a"), count: 200))
        #expect(strings[1] == Array(repeating: UInt8(ascii: "b"), count: 100))
        #expect(String(decoding: strings[2], as: UTF8.self) == "v=spf1")
        #expect(strings.joined().count == 306)
    }

    /// NXDOMAIN for `nope.example.test`, with the zone's SOA in the authority section.
    @Test func nxdomainWithSOA() throws {
        let bytes = dnsHex(
            """
            0006 8183 0001 0000 0001 0000
            04 6e6f7065 07 6578616d706c65 04 74657374 00 0001 0001
            c011 0006 0001 00000e10 0026
              02 6e73 c011
              0a 686f73746d6173746572 c011
              00000001 00001c20 00000e10 00093a80 0000012c
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.rcode == .nameError)
        #expect(message.answers.isEmpty)
        #expect(message.authorities.first?.name == "example.test")
        #expect(
            message.authorities.first?.data
                == .soa(
                    primary: "ns.example.test", mailbox: "hostmaster.example.test", serial: 1, refresh: 7200,
                    retry: 3600, expire: 604_800, minimum: 300))
    }

    @Test func servfail() throws {
        let bytes = dnsHex("0007 8182 0001 0000 0000 0000 \(Self.exampleTestQuestion) 0001 0001")
        let message = try DNSMessage(bytes: bytes)
        #expect(message.rcode == .serverFailure)
        #expect(message.rcode != .nameError)
        let refused = try DNSMessage(bytes: dnsHex("0007 8185 0001 0000 0000 0000 \(Self.exampleTestQuestion) 0001 0001"))
        #expect(refused.rcode == .refused)
    }

    @Test func extendedRCodeFromOPT() throws {
        // Header RCODE 0, OPT extended RCODE 1 → 16 (BADVERS).
        let bytes = dnsHex(
            """
            0008 8180 0001 0000 0000 0001
            \(Self.exampleTestQuestion) 0001 0001
            00 0029 04d0 01 00 0000 0000
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.rcode == .badVersion)
        #expect(message.rcode.rawValue == 16)
    }

    @Test func optOptionsAreRead() throws {
        // An OPT record with an extended DNS error option (code 15, info-code 18 "Prohibited").
        let bytes = dnsHex(
            """
            0009 8185 0001 0000 0000 0001
            \(Self.exampleTestQuestion) 0001 0001
            00 0029 0200 00 00 0000 0006 000f 0002 0012
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.edns?.options == [DNSEDNSOption(code: 15, data: [0x00, 0x12])])
        #expect(message.edns?.dnssecOK == false)
        #expect(message.edns?.udpPayloadSize == 512)
    }

    @Test func adFlag() throws {
        let bytes = dnsHex(
            """
            000a 81a0 0001 0001 0000 0000
            \(Self.exampleTestQuestion) 0001 0001
            c00c 0001 0001 0000012c 0004 c0000201
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.authenticData)
        #expect(!message.isTruncated)
        #expect(!message.checkingDisabled)
    }

    /// A truncated UDP answer (TC) that counts 3 answers but carries one and a half: reading
    /// stops at the end and keeps the complete record.
    @Test func truncatedAnswerIsReadAsFarAsItGoes() throws {
        let bytes = dnsHex(
            """
            000b 83a0 0001 0003 0000 0000
            \(Self.exampleTestQuestion) 0010 0001
            c00c 0001 0001 0000012c 0004 c0000201
            c00c 0010 0001 0000012c 0100 05 68656c6c6f
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.isTruncated)
        #expect(message.authenticData)
        #expect(message.answers.count == 1)
        let header = try DNSHeader(bytes: bytes)
        #expect(header.isTruncated && header.answerCount == 3)
    }

    @Test func classOtherThanINIsKeptRaw() throws {
        // version.bind. CH TXT answered, and an "A" record of class CH (which is not an IPv4 address).
        let bytes = dnsHex(
            """
            000c 8180 0001 0001 0000 0000
            07 76657273696f6e 04 62696e64 00 0010 0003
            c00c 0001 0003 00000000 0002 0102
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.questions[0].recordClass == .chaos)
        #expect(message.answers[0].data == .other(type: .a, bytes: [1, 2]))
    }

    @Test func unusualLabelBytesAreEscaped() throws {
        // A question name with labels "A.b" (a dot inside), "\x01c\\" and "Dé" (0xc3 0xa9), then "test".
        let bytes = dnsHex(
            """
            000d 8180 0001 0000 0000 0000
            03 412e62 03 01635c 03 44c3a9 04 74657374 00 0001 0001
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.questions[0].name == #"a\.b.\001c\\.d\195\169.test"#)
    }

    @Test func unknownTypeIsKeptRaw() throws {
        let bytes = dnsHex(
            """
            000e 8180 0001 0001 0000 0000
            \(Self.exampleTestQuestion) 0063 0001
            c00c 0063 0001 00000e10 0003 c00c00
            """)
        let message = try DNSMessage(bytes: bytes)
        #expect(message.answers[0].data == .other(type: DNSRecordType(rawValue: 99), bytes: [0xc0, 0x0c, 0x00]))
    }
}
