import Testing

@testable import MailSettings

@Suite("Line framer")
struct LineFramerTests {
    @Test("CRLF, bare LF and a lone CR", arguments: [
        ("+OK ready\r\nCAPA\r\n", ["+OK ready", "CAPA"]),
        ("+OK ready\nCAPA\n", ["+OK ready", "CAPA"]),
        ("a\rb\r\n", ["a\rb"]),
        ("a\r\r\n", ["a\r"]),
        ("\r\n\n", ["", ""]),
        ("no end yet", []),
    ])
    func lineEnds(input: String, lines: [String]) throws {
        var framer = LineFramer()
        #expect(try framer.append(Array(input.utf8)) == lines)
    }

    @Test func linesSplitAcrossChunksAtEveryByte() throws {
        let input = Array("250-mx.example.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n".utf8)
        for size in 1...input.count {
            var framer = LineFramer()
            var lines: [String] = []
            for start in stride(from: 0, to: input.count, by: size) {
                lines += try framer.append(input[start..<min(start + size, input.count)])
            }
            #expect(lines == ["250-mx.example.test", "250-STARTTLS", "250 AUTH PLAIN LOGIN"], "chunks of \(size)")
            #expect(framer.bufferedByteCount == 0)
        }
    }

    @Test func bytesWaitingForTheirLineEndAreCounted() throws {
        var framer = LineFramer()
        #expect(try framer.append(Array("+OK\r\n+OK par".utf8)) == ["+OK"])
        #expect(framer.bufferedByteCount == 7)
        #expect(try framer.append(Array("tial\r".utf8)) == [])
        #expect(framer.bufferedByteCount == 12)
        #expect(try framer.append([0x0A]) == ["+OK partial"])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test("8-bit text: UTF-8 when valid, Latin-1 byte by byte otherwise", arguments: [
        ([0x2B, 0x4F, 0x4B, 0x20, 0xC3, 0xB1, 0x0A] as [UInt8], "+OK ñ"),  // UTF-8
        ([0x2B, 0x4F, 0x4B, 0x20, 0xF1, 0x0A], "+OK ñ"),  // Latin-1
        ([0x45, 0x73, 0x70, 0x61, 0xF1, 0x61, 0x20, 0xE2, 0x82, 0xAC, 0x0A], "España €"),  // both in one line
        ([0xC3, 0x0A], "Ã"),  // a sequence cut short
        ([0xE0, 0x80, 0x80, 0x0A], "à\u{80}\u{80}"),  // an over-long encoding is not UTF-8
        ([0xED, 0xA0, 0x80, 0x0A], "í\u{A0}\u{80}"),  // nor is a surrogate
        ([0xF0, 0x9F, 0x93, 0xAC, 0x0A], "📬"),
    ])
    func eightBit(bytes: [UInt8], text: String) throws {
        var framer = LineFramer()
        #expect(try framer.append(bytes) == [text])
    }

    @Test func aLineOfExactlyTheLimitIsAccepted() throws {
        var framer = LineFramer(maximumLineBytes: 10)
        #expect(try framer.append(Array("0123456789\r\n0123456789\n".utf8)) == ["0123456789", "0123456789"])
    }

    @Test func anOverLongLineThrowsWithTheLinesBeforeIt() throws {
        var framer = LineFramer(maximumLineBytes: 10)
        let error = #expect(throws: ProtocolError.self) {
            try framer.append(Array("+OK\r\n01234567890123".utf8))
        }
        #expect(error?.code == .lineTooLong)
        #expect(error?.completeLines == ["+OK"])
        #expect(error?.description.contains("10 bytes") == true)
        #expect(!(error?.description.contains("\n") ?? true))
        // The rest of the over-long line is dropped; the next line comes through.
        #expect(try framer.append(Array("more of it\r\n-ERR next\r\n".utf8)) == ["-ERR next"])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func linesAfterAnOverLongLineInTheSameChunkAreKeptForTheNextCall() throws {
        var framer = LineFramer(maximumLineBytes: 6)
        #expect(throws: ProtocolError.self) { try framer.append(Array("+OK\r\ntoo long\r\n-ERR x\r\n.\r\n".utf8)) }
        #expect(framer.bufferedByteCount > 0)
        #expect(try framer.append([]) == ["-ERR x", "."])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func anOverLongLineThrowsEvenWhenFedByteByByte() throws {
        var framer = LineFramer(maximumLineBytes: 8)
        var thrown = 0
        for byte in Array(String(repeating: "x", count: 20).utf8) {
            do { _ = try framer.append([byte]) } catch { thrown += 1 }
        }
        #expect(thrown == 1)
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func theDefaultLimitIs8192Bytes() throws {
        var framer = LineFramer()
        #expect(framer.maximumLineBytes == 8192)
        #expect(try framer.append(Array(repeating: UInt8(ascii: "a"), count: 8192) + [0x0D]) == [])
        #expect(throws: ProtocolError.self) { try framer.append([UInt8(ascii: "a")]) }
    }

    @Test("our base64", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("\0alice@example.test\0pass word", "AGFsaWNlQGV4YW1wbGUudGVzdABwYXNzIHdvcmQ="),
        ("Username:", "VXNlcm5hbWU6"), ("Password:", "UGFzc3dvcmQ6"), ("ñ€", "w7Higqw="),
    ])
    func base64(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("base64 that is not", arguments: ["Zg=a", "Z", "Zm9v!", "Zg===", "Zm 9v"])
    func badBase64(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
