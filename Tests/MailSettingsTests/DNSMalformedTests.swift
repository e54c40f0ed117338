import Testing

@testable import MailSettings

/// Malformed messages: every one must throw the right ``DNSWireError``, never crash or hang.
@Suite("DNS malformed messages")
struct DNSMalformedTests {
    static let question = DNSMessageTests.exampleTestQuestion

    func expectError(_ code: DNSWireError.Code, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let message = try DNSMessage(bytes: bytes)
            Issue.record("parsed, expected \(code): \(message)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty && !error.description.contains("\n"), sourceLocation: sourceLocation)
        }
    }

    @Test func zeroLengthMessage() {
        expectError(.emptyMessage, [])
    }

    @Test func shorterThanTheHeader() {
        expectError(.truncated, dnsHex("1234 8180 0001"))
    }

    @Test func oversizedMessage() {
        var bytes = DNSMessageTests.srvAnswer
        bytes += Array(repeating: 0, count: 65_536 - bytes.count)
        expectError(.tooLarge, bytes)
        #expect(throws: DNSWireError.self) { try DNSHeader(bytes: bytes) }
    }

    @Test func headerOnlyWithCounts() {
        expectError(.countMismatch, dnsHex("1234 8180 0001 0000 0000 0000"))
        expectError(.countMismatch, dnsHex("1234 8180 0000 0001 0000 0000"))
        expectError(.countMismatch, dnsHex("1234 8180 ffff ffff ffff ffff"))
        // The question is there; the answer it counts is not.
        expectError(.countMismatch, dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 0001 0001"))
    }

    @Test func selfPointer() {
        expectError(.pointerLoop, dnsHex("1234 8180 0001 0000 0000 0000 c00c 0001 0001"))
    }

    @Test func pointerToTheNameItIsIn() {
        // "abc" then a pointer back to the start of the same name.
        expectError(.pointerLoop, dnsHex("1234 8180 0001 0000 0000 0000 03 616263 c00c 0001 0001"))
    }

    /// Two pointers that point at each other: the second record's name (0x2d) points into the
    /// first record's TXT data (0x2b), which points back to 0x2d.
    @Test func twoPointerCycle() {
        let bytes = dnsHex(
            """
            1234 8180 0001 0002 0000 0000
            \(Self.question) 0010 0001
            c00c 0010 0001 00000e10 0003 02 c02d
            c02b 0001 0001 00000e10 0004 c0000201
            """)
        expectError(.pointerLoop, bytes)
    }

    @Test func tooManyPointerJumps() {
        // Record data of 140 pointers, each to the one before it; the first points to the
        // question name. The next record's name points to the last: 141 jumps.
        let dataStart = 12 + 14 + 4 + 12  // header, question, the first record's fields
        var pointers = "c00c"
        for index in 1..<140 {
            let target = dataStart + 2 * (index - 1)
            pointers += String(0xC000 | target, radix: 16)
        }
        let last = dataStart + 2 * 139
        let bytes = dnsHex(
            """
            1234 8180 0001 0002 0000 0000
            \(Self.question) 0001 0001
            c00c 000a 0001 00000000 0118 \(pointers)
            \(String(0xC000 | last, radix: 16)) 0001 0001 00000e10 0004 c0000201
            """)
        expectError(.pointerLoop, bytes)
        // With 120 pointers the same chain is fine (and decodes to example.test).
        let short = dnsHex(
            """
            1234 8180 0001 0002 0000 0000
            \(Self.question) 0001 0001
            c00c 000a 0001 00000000 00f0 \(pointers.prefix(480))
            \(String(0xC000 | (dataStart + 2 * 119), radix: 16)) 0001 0001 00000e10 0004 c0000201
            """)
        #expect((try? DNSMessage(bytes: short))?.answers.last?.name == "example.test")
    }

    @Test func forwardPointer() {
        expectError(.pointerForward, dnsHex("1234 8180 0001 0000 0000 0000 c012 0001 0001 03616263 00"))
        // A record name pointing at itself-to-be: a record after it.
        expectError(
            .pointerForward,
            dnsHex(
                """
                1234 8180 0001 0002 0000 0000 \(Self.question) 0001 0001
                c02e 0001 0001 00000e10 0004 c0000201
                c00c 0001 0001 00000e10 0004 c0000202
                """))
    }

    @Test func pointerPastTheEnd() {
        expectError(.pointerForward, dnsHex("1234 8180 0001 0000 0000 0000 c0ff 0001 0001"))
    }

    @Test func messageEndsInsideAName() {
        expectError(.truncated, dnsHex("1234 8180 0001 0000 0000 0000 07 657861"))
        expectError(.truncated, dnsHex("1234 8180 0001 0000 0000 0000 07 6578616d706c65"))
        expectError(.truncated, dnsHex("1234 8180 0001 0000 0000 0000 c0"))
    }

    @Test func messageEndsInsideAQuestionOrRecord() {
        expectError(.truncated, dnsHex("1234 8180 0001 0000 0000 0000 \(Self.question) 0001"))
        expectError(.truncated, dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 0001 0001 c00c 0001 0001 0000"))
    }

    @Test func recordLengthPastTheEnd() {
        expectError(
            .recordLengthPastEnd,
            dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 0001 0001 c00c 0001 0001 00000e10 0004 c00002"))
        expectError(
            .recordLengthPastEnd,
            dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 0010 0001 c00c 0010 0001 00000e10 ffff 0161"))
    }

    @Test func labelLongerThan63() {
        let label64 = "40" + String(repeating: "61", count: 64)
        expectError(.labelTooLong, dnsHex("1234 8180 0001 0000 0000 0000 \(label64) 00 0001 0001"))
        // Length bytes 0x80–0xbf are a reserved label type.
        expectError(.labelTooLong, dnsHex("1234 8180 0001 0000 0000 0000 80 00 0001 0001"))
    }

    @Test func nameLongerThan255() {
        let label63 = "3f" + String(repeating: "61", count: 63)
        // Four 63-byte labels: 4 × 64 + 1 = 257 bytes.
        expectError(
            .nameTooLong,
            dnsHex("1234 8180 0001 0000 0000 0000 \(label63)\(label63)\(label63)\(label63) 00 0001 0001"))
        // Three labels in the question (193 bytes) are fine; a record name of one more label
        // and a pointer to the question makes 257.
        expectError(
            .nameTooLong,
            dnsHex(
                """
                1234 8180 0001 0001 0000 0000 \(label63)\(label63)\(label63) 00 0001 0001
                \(label63) c00c 0001 0001 00000e10 0004 c0000201
                """))
    }

    @Test func aRecordWithFiveBytes() {
        expectError(
            .badRDataLength,
            dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 0001 0001 c00c 0001 0001 00000e10 0005 c000020100"))
        expectError(
            .badRDataLength,
            dnsHex("1234 8180 0001 0001 0000 0000 \(Self.question) 001c 0001 c00c 001c 0001 00000e10 0004 20010db8"))
    }

    @Test func rdataThatDoesNotFitItsType() {
        let prefix = "1234 8180 0001 0001 0000 0000 \(Self.question) 0001 0001 c00c"
        // CNAME whose name runs past its RDLENGTH (3 bytes, name needs 5).
        expectError(.badRDataLength, dnsHex("\(prefix) 0005 0001 00000e10 0003 03 777777 00 0000"))
        // CNAME with a byte left over.
        expectError(.badRDataLength, dnsHex("\(prefix) 0005 0001 00000e10 0003 c00c 00"))
        // MX too short for its preference and a name.
        expectError(.badRDataLength, dnsHex("\(prefix) 000f 0001 00000e10 0002 000a"))
        // SRV too short.
        expectError(.badRDataLength, dnsHex("\(prefix) 0021 0001 00000e10 0006 0000 0000 0000"))
        // TXT whose string runs past the data, and an empty TXT.
        expectError(.badRDataLength, dnsHex("\(prefix) 0010 0001 00000e10 0002 05 61"))
        expectError(.badRDataLength, dnsHex("\(prefix) 0010 0001 00000e10 0000"))
        // SOA without its timers.
        expectError(.badRDataLength, dnsHex("\(prefix) 0006 0001 00000e10 0006 c00c c00c 0000"))
    }

    @Test func trailingGarbage() {
        expectError(.trailingGarbage, DNSMessageTests.srvAnswer + [0])
    }

    @Test func badOPTRecords() {
        let opt = "00 0029 04d0 00 00 8000 0000"
        expectError(.invalidOPT, dnsHex("1234 8180 0001 0000 0000 0002 \(Self.question) 0001 0001 \(opt) \(opt)"))
        expectError(.invalidOPT, dnsHex("1234 8180 0001 0000 0000 0001 \(Self.question) 0001 0001 c00c 0029 04d0 00 00 8000 0000"))
        expectError(.badRDataLength, dnsHex("1234 8180 0001 0000 0000 0001 \(Self.question) 0001 0001 00 0029 04d0 00000000 0003 000f00"))
    }

    @Test func errorsDescribeThemselves() throws {
        do {
            _ = try DNSMessage(bytes: dnsHex("1234 8180 0001 0000 0000 0000 c00c 0001 0001"))
            Issue.record("parsed a self-pointer")
        } catch {
            #expect(error.offset == 12)
            #expect(error.description.hasPrefix("DNS message, offset 12: "))
            #expect(error.code.description == "pointerLoop")
        }
    }

    /// A 64 KiB message built for the most work: thousands of records whose names each follow
    /// a chain of 120 pointers. It must still be read quickly.
    @Test func worstCaseMessageIsReadQuickly() throws {
        let dataStart = 12 + 14 + 4 + 12
        var bytes = dnsHex("1234 8180 0001 0000 0000 0000 \(Self.question) 0001 0001 c00c 000a 0001 00000000 00f0")
        bytes += [0xC0, 0x0C]
        for index in 1..<120 {
            let target = dataStart + 2 * (index - 1)
            bytes += [0xC0 | UInt8(target >> 8), UInt8(target & 0xFF)]
        }
        let last = dataStart + 2 * 119
        let record: [UInt8] = [0xC0 | UInt8(last >> 8), UInt8(last & 0xFF)] + dnsHex("0001 0001 00000e10 0004 c0000201")
        var count = 1
        while bytes.count + record.count <= DNSMessage.maximumSize {
            bytes += record
            count += 1
        }
        bytes[6] = UInt8(count >> 8)
        bytes[7] = UInt8(count & 0xFF)
        let clock = ContinuousClock()
        let start = clock.now
        let message = try DNSMessage(bytes: bytes)
        let elapsed = clock.now - start
        #expect(message.answers.count == count)
        #expect(message.answers.last?.name == "example.test")
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    /// 20,000 seeded random mutations of a valid answer must each parse or throw, quickly.
    @Test func fuzzedMutationsParseOrThrow() {
        var generator = DNSFuzzGenerator(seed: 0xD15_C0DE)
        let bases = [DNSMessageTests.srvAnswer, DNSQueryTests.srvQuery]
        var parsed = 0
        var thrown = 0
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<20_000 {
            var bytes = bases[round % bases.count]
            for _ in 0...Int(generator.next() % 4) {
                generator.mutate(&bytes)
            }
            do {
                let message = try DNSMessage(bytes: bytes)
                // What parsed must be usable.
                _ = message.rcode
                for record in message.answers + message.authorities + message.additionals {
                    _ = record.name.utf8.count
                }
                parsed += 1
            } catch {
                #expect(!error.description.isEmpty)
                thrown += 1
            }
        }
        let elapsed = clock.now - start
        #expect(parsed + thrown == 20_000)
        // Both outcomes are common: the mutations neither all break nor all spare the message.
        #expect(parsed > 1_000 && thrown > 1_000, "parsed \(parsed), thrown \(thrown)")
        #expect(elapsed < .seconds(20), "20,000 parses took \(elapsed)")
    }
}

/// A small seeded generator (SplitMix64) and the mutations the fuzz test applies.
struct DNSFuzzGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(bound, 1)))
    }

    mutating func mutate(_ bytes: inout [UInt8]) {
        switch below(8) {
        case 0 where !bytes.isEmpty:  // a random byte
            bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next())
        case 1 where !bytes.isEmpty:  // flip one bit
            bytes[below(bytes.count)] ^= UInt8(1) << UInt8(below(8))
        case 2:  // cut the message short
            bytes.removeLast(below(bytes.count + 1))
        case 3:  // insert a byte
            bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
        case 4 where !bytes.isEmpty:  // delete a byte
            bytes.remove(at: below(bytes.count))
        case 5 where bytes.count > 1:  // a compression pointer anywhere, to anywhere
            let at = below(bytes.count - 1)
            let target = below(bytes.count + 16)
            bytes[at] = 0xC0 | UInt8((target >> 8) & 0x3F)
            bytes[at + 1] = UInt8(target & 0xFF)
        case 6 where bytes.count >= 12:  // a count in the header
            let field = 4 + 2 * below(4)
            bytes[field] = below(4) == 0 ? 0xFF : 0
            bytes[field + 1] = UInt8(truncatingIfNeeded: next())
        default:  // repeat a slice
            guard !bytes.isEmpty else { return }
            let from = below(bytes.count)
            let length = below(min(32, bytes.count - from) + 1)
            bytes.insert(contentsOf: bytes[from..<(from + length)], at: below(bytes.count + 1))
        }
    }
}
