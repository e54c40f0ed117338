import Foundation
import Testing

@testable import MailSettings

/// Hostile and broken input: refused cleanly and quickly, never a crash, hang or unbounded memory.
@Suite("XML reader, hostile input")
struct XMLHostileTests {
    /// Runs `body` and checks it took less than a second (the hostile inputs are meant to be
    /// refused in microseconds; a second means something went quadratic or expanded).
    private func quickly(_ body: () -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        let elapsed = ContinuousClock().measure(body)
        #expect(elapsed < .seconds(1), "took \(elapsed)", sourceLocation: sourceLocation)
    }

    private func refusal(
        _ bytes: [UInt8], limits: XMLLimits = XMLLimits(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> XMLError? {
        var result: XMLError?
        quickly({
            result = #expect(throws: XMLError.self, sourceLocation: sourceLocation) {
                try XMLReader.parse(bytes, limits: limits)
            }
        }, sourceLocation: sourceLocation)
        return result
    }

    @Test("billion laughs: the DOCTYPE is refused, nothing is expanded")
    func billionLaughs() {
        var document = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            document += " <!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
        }
        document += "]>\n<lolz>&lol9;</lolz>\n"
        let error = refusal(Array(document.utf8))
        #expect(error?.code == .doctypeNotAllowed)
        #expect(error?.line == 2)
        #expect(error?.column == 1)
    }

    @Test("external entity: the DOCTYPE is refused, no file is read")
    func externalEntity() {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE clientConfig [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <clientConfig><emailProvider id="&xxe;"><domain>&xxe;</domain></emailProvider></clientConfig>
            """
        let error = refusal(Array(document.utf8))
        #expect(error?.code == .doctypeNotAllowed)
        #expect(error?.line == 2)
        #expect(error?.description.contains("/etc/passwd") == false)
        #expect(error?.description.contains("root:") == false)

        // Without the DOCTYPE the reference is simply unknown.
        let bare = refusal(Array("<clientConfig>\n<domain>&xxe;</domain></clientConfig>".utf8))
        #expect(bare?.code == .unknownEntity)
        #expect(bare?.line == 2)
        #expect(bare?.column == 9)

        // Parameter entities and a lower-case doctype are refused too.
        #expect(refusal(Array("<!doctype html><a/>".utf8))?.code == .doctypeNotAllowed)
        #expect(refusal(Array("<a><!DOCTYPE x SYSTEM \"http://example.com/x.dtd\"></a>".utf8))?.code == .doctypeNotAllowed)
        #expect(refusal(Array("<!DOCTYPE x [<!ENTITY % p SYSTEM \"http://127.0.0.1/\"> %p;]><x/>".utf8))?.code == .doctypeNotAllowed)
    }

    @Test("2 MB are refused before anything is read")
    func twoMegabytes() {
        // Bytes that would fail every later check (UTF-16 BOM, invalid UTF-8, NULs): only the size is looked at.
        var bytes = [UInt8](repeating: 0xFF, count: 2 * 1_048_576)
        bytes[0] = 0xFF
        bytes[1] = 0xFE
        let error = refusal(bytes)
        #expect(error?.code == .tooLarge)
        #expect(error?.line == nil)
        #expect(error?.description.contains("2097152 bytes") == true)

        let text = "<a>" + String(repeating: "x", count: 2 * 1_048_576) + "</a>"
        let stringError = #expect(throws: XMLError.self) { try XMLReader.parse(text) }
        #expect(stringError?.code == .tooLarge)

        // One byte over the limit is refused; exactly the limit is read.
        let limit = XMLLimits(maximumBytes: 100)
        let exact = "<a>" + String(repeating: "x", count: 93) + "</a>"
        #expect(exact.utf8.count == 100)
        #expect((try? XMLReader.parse(exact, limits: limit))?.text.count == 93)
        #expect(refusal(Array((exact + " ").utf8), limits: limit)?.code == .tooLarge)
    }

    @Test("10,000-deep nesting is refused at the depth limit, without recursion")
    func deepNesting() throws {
        let depth = 10_000
        let document = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let error = refusal(Array(document.utf8))
        #expect(error?.code == .tooDeep)
        #expect(error?.line == 1)
        #expect(error?.column == 64 * 3 + 1)

        // Only unclosed opening tags (no end tags at all) are refused the same way.
        #expect(refusal(Array(String(repeating: "<a>", count: 100_000).utf8))?.code == .tooDeep)

        // With the limit raised the reader goes deep on its own stack-free loop.
        let allowed = XMLLimits(maximumDepth: 2_000)
        let deep = String(repeating: "<a>", count: 2_000) + "x" + String(repeating: "</a>", count: 2_000)
        var node = try XMLReader.parse(deep, limits: allowed)
        var levels = 1
        while let child = node.children.first {
            node = child
            levels += 1
        }
        #expect(levels == 2_000)
        #expect(node.text == "x")
    }

    @Test("100,000 attributes are refused at the attribute limit")
    func manyAttributes() {
        var document = "<a"
        for index in 0..<100_000 { document += " a\(index)=\"\(index)\"" }
        document += "/>"
        // Raise the size limit so that the attribute limit is what refuses it.
        let error = refusal(Array(document.utf8), limits: XMLLimits(maximumBytes: 4 * 1_048_576))
        #expect(error?.code == .tooManyAttributes)
        #expect(error?.column == 1)

        // The same name 100,000 times is a duplicate at the second one.
        let duplicates = "<a" + String(repeating: " x=\"1\"", count: 100_000) + "/>"
        #expect(refusal(Array(duplicates.utf8))?.code == .duplicateAttribute)
        // Within the default size limit, the attribute limit still applies.
        let small = "<a" + (0..<60_000).map { " a\($0)=''" }.joined() + "/>"
        #expect(small.utf8.count < 1_048_576)
        #expect(refusal(Array(small.utf8))?.code == .tooManyAttributes)
    }

    @Test("many elements are refused at the element limit")
    func manyElements() {
        let document = "<a>" + String(repeating: "<b/>", count: 100_000) + "</a>"
        let error = refusal(Array(document.utf8))
        #expect(error?.code == .tooManyElements)
        #expect(error?.column == 3 + 4 * 19_999 + 1)
    }

    @Test("a name of 1 MB is refused at the name limit", arguments: ["<", "<a ", "<a>&", "<a></", "<?"])
    func hugeName(prefix: String) {
        let name = String(repeating: "n", count: 1_000_000)
        let document = prefix + name + "/>"
        #expect(document.utf8.count < 1_048_576)
        let error = refusal(Array(document.utf8))
        #expect(error?.code == .nameTooLong)
        #expect(error?.line == 1)
        #expect(error?.column == prefix.count + 1)
        #expect((error?.description.count ?? 0) < 300)
    }

    @Test("a huge text, comment, CDATA and attribute value within the size limit are read in linear time")
    func hugeContent() throws {
        let big = String(repeating: "x", count: 1_000_000)
        quickly {
            #expect((try? XMLReader.parse("<a>\(big)</a>"))?.text.utf8.count == 1_000_000)
            #expect((try? XMLReader.parse("<a><!--\(big)--></a>"))?.text == "")
            #expect((try? XMLReader.parse("<a><![CDATA[\(big)]]></a>"))?.text.utf8.count == 1_000_000)
            #expect((try? XMLReader.parse("<a v='\(big)'/>"))?.attribute("v")?.utf8.count == 1_000_000)
        }
        // Many references, each decoded once.
        let amps = String(repeating: "&amp;", count: 100_000)
        quickly {
            #expect((try? XMLReader.parse("<a v='\(amps)'>\(amps)</a>"))?.text.count == 100_000)
        }
        // An unterminated comment of 1 MB is a clean error, not a hang.
        #expect(refusal(Array("<a><!--\(big)".utf8))?.code == .malformed)
    }

    @Test(
        "invalid UTF-8 is an encoding error with its position",
        arguments: [
            ([0xC0, 0xAF], "overlong"),
            ([0xE0, 0x80, 0xAF], "overlong, three bytes"),
            ([0xED, 0xA0, 0x80], "surrogate"),
            ([0x80], "lone continuation byte"),
            ([0xC3], "truncated sequence"),
            ([0xE2, 0x82], "truncated three-byte sequence"),
            ([0xF5, 0x80, 0x80, 0x80], "beyond U+10FFFF"),
            ([0xF4, 0x90, 0x80, 0x80], "beyond U+10FFFF (F4)"),
            ([0xFE], "FE"),
        ] as [([UInt8], String)]
    )
    func invalidUTF8(sequence: [UInt8], label: String) {
        let document = Array("<a>\n  é".utf8) + sequence + Array("</a>".utf8)
        let error = refusal(document)
        #expect(error?.code == .invalidEncoding, "\(label)")
        #expect(error?.line == 2)
        #expect(error?.column == 4)
        // At the very end of the input too.
        #expect(refusal(Array("<a/>".utf8) + sequence)?.code == .invalidEncoding, "\(label)")
    }

    @Test(
        "UTF-16 and UTF-32 are refused with advice to save as UTF-8",
        arguments: [
            [0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00],
            [0xFE, 0xFF, 0x00, 0x3C, 0x00, 0x61],
            [0xFF, 0xFE, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00],
            [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x3C],
            [0x3C, 0x00, 0x3F, 0x00, 0x78, 0x00],
            [0x00, 0x3C, 0x00, 0x3F, 0x00, 0x78],
        ] as [[UInt8]]
    )
    func wideEncodings(bytes: [UInt8]) {
        let error = refusal(bytes)
        #expect(error?.code == .unsupportedEncoding)
        #expect(error?.line == 1)
        #expect(error?.description.contains("save the file as UTF-8") == true)
    }

    @Test("NUL bytes and other control characters are refused with their position")
    func controlCharacters() {
        for byte: UInt8 in [0x00, 0x01, 0x08, 0x0B, 0x0C, 0x0E, 0x1F] {
            for (before, column) in [("<a>x", 5), ("<a x='", 7), ("<a><!-- ", 9), ("<a><![CDATA[", 13)] {
                let error = refusal(Array("<r>\n\(before)".utf8) + [byte] + Array("</a></r>".utf8))
                #expect(error?.code == .malformed, "byte \(byte) after \(before)")
                #expect(error?.line == 2)
                #expect(error?.column == column, "byte \(byte) after \(before)")
            }
        }
        // All NULs.
        #expect(refusal([UInt8](repeating: 0, count: 1_000))?.code == .malformed)
        // Declared Latin-1 does not make control characters acceptable.
        let latin1 = Array("<?xml version='1.0' encoding='ISO-8859-1'?><a>".utf8) + [0x00] + Array("</a>".utf8)
        #expect(refusal(latin1)?.code == .malformed)
        // Tab, line feed and carriage return are fine.
        #expect((try? XMLReader.parse("<a>\t\n\r</a>"))?.text == "\t\n\n")
    }

    @Test(
        "a file that ends in the middle of something is refused",
        arguments: [
            ("<", XMLError.Code.malformed),
            ("<a", .malformed),
            ("<a ", .malformed),
            ("<a x", .malformed),
            ("<a x=", .malformed),
            ("<a x='", .malformed),
            ("<a x='1", .malformed),
            ("<a x='1'", .malformed),
            ("<a x='1' /", .malformed),
            ("<a><b", .malformed),
            ("<a></", .malformed),
            ("<a></a", .malformed),
            ("<a><!", .malformed),
            ("<a><!-", .malformed),
            ("<a><!--", .malformed),
            ("<a><!-- comment -", .malformed),
            ("<a><!-- comment --", .malformed),
            ("<a><![CDA", .malformed),
            ("<a><![CDATA[", .malformed),
            ("<a><![CDATA[ text ]]", .malformed),
            ("<a><?pi", .malformed),
            ("<a><?pi ?", .malformed),
            ("<?xml version='1.0'", .malformed),
            ("<?xml version='1.0' encoding='UTF-8'", .malformed),
            ("<a>&", .malformed),
            ("<a>&amp", .malformed),
            ("<a>&#x4", .malformed),
            ("<a>text", .unclosedElement),
            ("<a><b></b>", .unclosedElement),
        ] as [(String, XMLError.Code)]
    )
    func truncated(text: String, code: XMLError.Code) {
        let document = "<r>\n" + text
        let error = refusal(Array(document.utf8))
        #expect(error?.code == code, "\(error?.description ?? "no error")")
        #expect(error?.line == 2, "\(error?.description ?? "no error")")
    }

    @Test("every prefix of a real document is refused, never a crash")
    func everyPrefix() throws {
        let document = Array(Self.sample.utf8)
        let rootEnd = try #require(Self.sample.range(of: "</clientConfig>")).upperBound.utf16Offset(in: Self.sample)
        for length in 0..<document.count {
            let prefix = Array(document[0..<length])
            let result = Result { () throws(XMLError) in try XMLReader.parse(prefix) }
            if length < rootEnd {
                #expect(throws: XMLError.self, "prefix of \(length) bytes") { try result.get() }
            } else if case .failure(let error) = result {
                // After the root, only a cut trailing comment may fail.
                #expect(error.code == .malformed, "prefix of \(length) bytes: \(error)")
            }
        }
    }

    @Test("randomly damaged documents give a result or an XMLError, never a crash")
    func damaged() {
        var generator = SplitMix(seed: 0x5EED)
        let original = Array(Self.sample.utf8)
        let interesting: [UInt8] = Array("<>&;/='\"!?-[]#x \n\r\t".utf8) + [0x00, 0x80, 0xC3, 0xE9, 0xFF]
        quickly {
            for _ in 0..<3_000 {
                var bytes = original
                for _ in 0..<Int(generator.next() % 4 + 1) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    let value = interesting[Int(generator.next() % UInt64(interesting.count))]
                    switch generator.next() % 3 {
                    case 0: bytes[position] = value
                    case 1: bytes.insert(value, at: position)
                    default: bytes.remove(at: position)
                    }
                }
                do throws(XMLError) {
                    let root = try XMLReader.parse(bytes)
                    #expect(!root.name.isEmpty)
                } catch {
                    #expect(!error.description.isEmpty)
                    #expect(error.line == nil || error.line! >= 1)
                }
            }
        }
    }

    static let sample = """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="example.com">
            <domain>example.com</domain>
            <displayName>Example &amp; Co — Ünïcödé</displayName>
            <incomingServer type="pop3">
              <hostname>pop.example.com</hostname>
              <port>995</port>
              <socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username>
              <authentication>password-cleartext</authentication>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.example.com</hostname>
              <port>465</port>
              <socketType>SSL</socketType>
            </outgoingServer>
            <enable visiturl="https://example.com/?a=1&amp;b=2"><instruction><![CDATA[Turn on POP]]></instruction></enable>
          </emailProvider>
        </clientConfig>
        <!-- end -->

        """

    // MARK: - The ISPDB snapshot

    static let ispdbDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/ispdb").standardized

    static var ispdbFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: ispdbDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { ispdbDirectory.appendingPathComponent($0) }
    }

    static var ispdbAvailable: Bool {
        !ispdbFiles.isEmpty || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1"
    }

    @Test(
        "every ISPDB file parses, with root clientConfig and an emailProvider",
        .enabled(if: ispdbAvailable, "the ISPDB snapshot is not at ../shared/data/ispdb")
    )
    func ispdb() throws {
        let files = Self.ispdbFiles
        guard !files.isEmpty else {
            Issue.record("ISPDB snapshot not found at \(Self.ispdbDirectory.path); it ships in ../shared/data/ispdb")
            return
        }
        #expect(files.count >= 163)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            do {
                let root = try XMLReader.parse(bytes)
                #expect(root.name == "clientConfig", "\(file.lastPathComponent)")
                let provider = root.child(named: "emailProvider")
                #expect(provider != nil, "\(file.lastPathComponent)")
                #expect(provider?.attribute("id")?.isEmpty == false, "\(file.lastPathComponent)")
                let servers = (provider?.children(named: "incomingServer") ?? []) + (provider?.children(named: "outgoingServer") ?? [])
                #expect(!servers.isEmpty, "\(file.lastPathComponent)")
                for server in servers {
                    #expect(server.line > 1, "\(file.lastPathComponent)")
                }
            } catch {
                Issue.record("\(file.lastPathComponent): \(error)")
            }
        }
    }
}

/// A small deterministic generator, so damaged documents are the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
