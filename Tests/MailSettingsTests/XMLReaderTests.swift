import Testing

@testable import MailSettings

/// A document in the style of the ISPDB's files: declaration, comments, nesting, attributes,
/// entities, non-ASCII text.
private let ispdbStyle = """
    <?xml version="1.0" encoding="UTF-8"?>
    <clientConfig version="1.1">
      <emailProvider id="example.com">
        <domain>example.com</domain>
        <!-- a comment with <tags> & ampersands -->
        <displayName>AT&amp;T Beispiel</displayName>
        <incomingServer type="pop3">
          <hostname>pop.example.com</hostname>
          <port>995</port>
          <socketType>SSL</socketType>
          <username>%EMAILADDRESS%</username>
          <authentication>password-cleartext</authentication>
          <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>
        </incomingServer>
        <outgoingServer type="smtp">
          <hostname>smtp.example.com</hostname>
          <port>465</port>
        </outgoingServer>
        <documentation url="https://example.com/help?a=1&amp;b=2" />
        <enable visiturl='https://example.com/settings'>
          <instruction lang="de">Sie müssen POP3 &amp; IMAP erlauben!</instruction>
        </enable>
      </emailProvider>
    </clientConfig>
    <!-- trailing comment -->

    """

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("XML reader")
struct XMLReaderTests {
    @Test("reads an ISPDB-style document: nesting, attributes, text, comments, entities")
    func ispdbStyleDocument() throws {
        let root = try XMLReader.parse(bytes(ispdbStyle))
        #expect(root.name == "clientConfig")
        #expect(root.attribute("version") == "1.1")
        #expect((root.line, root.column) == (2, 1))
        #expect(root.children.count == 1)

        let provider = try #require(root.child(named: "emailProvider"))
        #expect(provider.attribute("id") == "example.com")
        #expect((provider.line, provider.column) == (3, 3))
        #expect(provider.children.map(\.name) == [
            "domain", "displayName", "incomingServer", "outgoingServer", "documentation", "enable",
        ])
        #expect(provider.child(named: "displayName")?.text == "AT&T Beispiel")
        #expect(provider.child(named: "documentation")?.attribute("url") == "https://example.com/help?a=1&b=2")
        #expect(provider.child(named: "documentation")?.children.isEmpty == true)

        let incoming = try #require(provider.child(named: "incomingServer"))
        #expect(incoming.attribute("type") == "pop3")
        #expect((incoming.line, incoming.column) == (7, 5))
        #expect(incoming.child(named: "hostname")?.text == "pop.example.com")
        #expect(incoming.child(named: "port")?.text == "995")
        #expect(incoming.child(named: "username")?.text == "%EMAILADDRESS%")
        #expect(incoming.child(named: "pop3")?.child(named: "leaveMessagesOnServer")?.text == "true")
        #expect(incoming.child(named: "missing") == nil)
        #expect(incoming.attribute("missing") == nil)

        let enable = try #require(provider.child(named: "enable"))
        #expect(enable.attribute("visiturl") == "https://example.com/settings")
        let instruction = try #require(enable.children(named: "instruction").first)
        #expect(instruction.attribute("lang") == "de")
        #expect(instruction.text == "Sie müssen POP3 & IMAP erlauben!")
        #expect((instruction.line, instruction.column) == (21, 7))

        // An element's own text is its white space between children, untrimmed.
        #expect(incoming.text.allSatisfy { $0 == " " || $0 == "\n" })
        #expect(incoming.text.contains("\n"))
    }

    @Test("the text and string entry points agree")
    func stringAndBytesAgree() throws {
        #expect(try XMLReader.parse(ispdbStyle) == XMLReader.parse(bytes(ispdbStyle)))
    }

    @Test("text is concatenated across comments, references, CDATA and children, and not trimmed")
    func textConcatenation() throws {
        let root = try XMLReader.parse("<a>  one <!-- c --> two<b>inner</b>&lt;three&gt;<![CDATA[ <four> & ]]><?pi x?>five </a>")
        #expect(root.text == "  one  two<three> <four> & five ")
        #expect(root.child(named: "b")?.text == "inner")
    }

    @Test("CDATA sections become text, markup in them is not read")
    func cdata() throws {
        let root = try XMLReader.parse("<descr><![CDATA[a < b && c ]] > </descr> <!-- -->]]></descr>")
        #expect(root.text == "a < b && c ]] > </descr> <!-- -->")
        #expect(try XMLReader.parse("<a><![CDATA[]]></a>").text == "")
    }

    @Test("the five predefined entities and numeric character references are decoded")
    func references() throws {
        let root = try XMLReader.parse(
            "<a t=\"&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x00e9;&#128512;\">&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#xE9;&#x1F600;&#9;</a>")
        #expect(root.text == "<>&\"'ABé😀\t")
        #expect(root.attribute("t") == "<>&\"'ABé😀")
    }

    @Test("attribute values: both quotes, white space normalised, character references kept")
    func attributeValues() throws {
        let root = try XMLReader.parse("<a one='x \"y\" z' two=\"it's\" three = \"a\tb\nc\r\nd\rE\" four=\"&#10;&#9;&#13;\"/>")
        #expect(root.attribute("one") == "x \"y\" z")
        #expect(root.attribute("two") == "it's")
        #expect(root.attribute("three") == "a b c d E")
        #expect(root.attribute("four") == "\n\t\r")
        #expect(root.attributes.map(\.name) == ["one", "two", "three", "four"])
    }

    @Test("names keep their prefix; lookups match local names (Autodiscover style)")
    func prefixes() throws {
        let document = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
              <a:Response xmlns:a="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                <a:Account><a:Protocol a:kind="pop"><a:Type>POP3</a:Type><a:Server>pop.example.com</a:Server></a:Protocol></a:Account>
              </a:Response>
            </Autodiscover>
            """
        let root = try XMLReader.parse(document)
        #expect(root.localName == "Autodiscover")
        #expect(root.attribute("xmlns") == "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006")
        let response = try #require(root.child(named: "Response"))
        #expect(response.name == "a:Response")
        #expect(response.localName == "Response")
        #expect(response.attribute("xmlns:a") != nil)
        let proto = try #require(response.child(named: "Account")?.child(named: "Protocol"))
        #expect(proto.attribute("a:kind") == "pop")
        #expect(proto.attribute("kind") == "pop")
        #expect(proto.attributes.first?.localName == "kind")
        #expect(proto.child(named: "Server")?.text == "pop.example.com")
    }

    @Test("name lookup prefers the full name, then the local name")
    func attributeLookupOrder() throws {
        let root = try XMLReader.parse("<a x:lang='prefixed' lang='plain'/>")
        #expect(root.attribute("lang") == "plain")
        #expect(root.attribute("x:lang") == "prefixed")
    }

    @Test("line ends \\r\\n and \\r become \\n in text, and count as one line each")
    func lineEnds() throws {
        let root = try XMLReader.parse(bytes("<a>\r\n<b>x\r\ny\rz</b>\r<c/>\n<d/></a>"))
        #expect(root.child(named: "b")?.text == "x\ny\nz")
        #expect(root.child(named: "b")?.line == 2)
        #expect(root.child(named: "c")?.line == 5)
        #expect(root.child(named: "d")?.line == 6)
        #expect(root.text == "\n\n\n")
        #expect(try XMLReader.parse(bytes("<a><![CDATA[1\r\n2\r3]]></a>")).text == "1\n2\n3")
    }

    @Test("columns count characters, not bytes")
    func columnsCountCharacters() throws {
        let root = try XMLReader.parse("<a>éé😀<b/></a>")
        #expect(root.child(named: "b")?.column == 7)
        let error = #expect(throws: XMLError.self) { try XMLReader.parse("<a>é😀&bad;</a>") }
        #expect(error?.column == 6)
    }

    @Test("a UTF-8 byte order mark is skipped and does not shift columns")
    func utf8BOM() throws {
        let root = try XMLReader.parse([0xEF, 0xBB, 0xBF] + bytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>x</a>"))
        #expect(root.text == "x")
        #expect(root.column == 39)
        #expect(try XMLReader.parse("\u{FEFF}<a/>").name == "a")
    }

    @Test("ISO-8859-1 documents are transcoded", arguments: ["ISO-8859-1", "iso-8859-1", "latin1", "ISO_8859-1"])
    func latin1(label: String) throws {
        let document = bytes("<?xml version=\"1.0\" encoding=\"\(label)\"?>\n<a n=\"Jos") + [0xE9] + bytes("\">Espa")
            + [0xF1] + bytes("a ") + [0xA0, 0xFF] + bytes("<b/></a>")
        let root = try XMLReader.parse(document)
        #expect(root.attribute("n") == "José")
        #expect(root.text == "España \u{A0}ÿ")
        #expect(root.child(named: "b")?.column == 22)
        #expect(root.line == 2)
    }

    @Test("US-ASCII and utf8 declarations are honoured")
    func otherDeclarations() throws {
        #expect(try XMLReader.parse(bytes("<?xml version='1.0' encoding='US-ASCII'?><a>x</a>")).text == "x")
        #expect(try XMLReader.parse(bytes("<?xml version='1.0' encoding='utf8' standalone='yes'?><a>é</a>")).text == "é")
        #expect(try XMLReader.parse(bytes("<?xml version = \"1.0\"?><a/>")).name == "a")
        // White space before the declaration is tolerated.
        #expect(try XMLReader.parse(bytes("\n <?xml version='1.0' encoding='latin1'?><a>") + [0xE9] + bytes("</a>")).text == "é")
    }

    @Test("a string is already decoded: its declared encoding is ignored")
    func stringIgnoresDeclaredEncoding() throws {
        #expect(try XMLReader.parse("<?xml version=\"1.0\" encoding=\"utf-16\"?><a>ñ</a>").text == "ñ")
        #expect(try XMLReader.parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>ñ</a>").text == "ñ")
    }

    @Test("self-closing tags, white space in tags, names with dots, dashes and non-ASCII letters")
    func tagForms() throws {
        let root = try XMLReader.parse("<root-1.x ><_b\n a = 'v' \t/><é:ñ/><c></c ></root-1.x\n>")
        #expect(root.name == "root-1.x")
        #expect(root.children.map(\.name) == ["_b", "é:ñ", "c"])
        #expect(root.children[1].localName == "ñ")
        #expect(root.children[0].attribute("a") == "v")
    }

    @Test("processing instructions and the declaration are skipped anywhere")
    func processingInstructions() throws {
        let root = try XMLReader.parse("<?xml version='1.0'?><?style x?><a><?pi a > b ?>t</a><?after?>")
        #expect(root.text == "t")
        #expect(root.children.isEmpty)
    }

    @Test("comments are skipped anywhere, '--' inside is tolerated")
    func comments() throws {
        let root = try XMLReader.parse("<!-- before --><a><!----><!-- a -- b - c --->x</a><!-- after -->")
        #expect(root.text == "x")
    }

    @Test("the public initialisers derive local names")
    func initialisers() {
        let node = XMLNode(name: "a:b", attributes: [XMLAttribute(name: "x:y", value: "1")])
        #expect(node.localName == "b")
        #expect(node.attributes[0].localName == "y")
        #expect(node.attribute("y") == "1")
        #expect(XMLNode(name: "plain").localName == "plain")
        #expect(XMLLimits() == XMLLimits(maximumBytes: 1_048_576, maximumDepth: 64, maximumElements: 20_000,
                                         maximumAttributesPerElement: 64, maximumNameLength: 256))
    }
}

/// One document that must be refused, with the code and position it must be refused with.
struct XMLRefusal: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var limits = XMLLimits()
    var code: XMLError.Code
    var line: Int?
    var column: Int?

    init(_ label: String, _ text: String, _ code: XMLError.Code, _ line: Int?, _ column: Int?, limits: XMLLimits = XMLLimits()) {
        self.init(label, Array(text.utf8), code, line, column, limits: limits)
    }

    init(_ label: String, _ bytes: [UInt8], _ code: XMLError.Code, _ line: Int?, _ column: Int?, limits: XMLLimits = XMLLimits()) {
        self.label = label
        self.bytes = bytes
        self.code = code
        self.line = line
        self.column = column
        self.limits = limits
    }

    var testDescription: String { "\(label) → \(code)" }

    /// Parses and checks the refusal; returns the error for further checks.
    @discardableResult
    func check(sourceLocation: SourceLocation = #_sourceLocation) -> XMLError? {
        let error = #expect(throws: XMLError.self, sourceLocation: sourceLocation) {
            try XMLReader.parse(bytes, limits: limits)
        }
        guard let error else { return nil }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
        let prefix = line.map { l in column.map { "line \(l), column \($0): " } ?? "line \(l): " } ?? ""
        #expect(error.description.hasPrefix(prefix), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(" — "), "\(error)", sourceLocation: sourceLocation)
        #expect(!error.description.contains("\n"), "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

/// Every error code, with the line and column it is reported at.
private let everyCode: [XMLRefusal] = [
    XMLRefusal("11 bytes, limit 10", "<a>123</a>\n", .tooLarge, nil, nil, limits: XMLLimits(maximumBytes: 10)),
    XMLRefusal("depth 3, limit 2", "<a>\n <b>\n  <c/></b></a>", .tooDeep, 3, 3, limits: XMLLimits(maximumDepth: 2)),
    XMLRefusal("3 elements, limit 2", "<a><b/>\n<c/></a>", .tooManyElements, 2, 1, limits: XMLLimits(maximumElements: 2)),
    XMLRefusal("3 attributes, limit 2", "<a>\n<b x='1' y='2' z='3'/></a>", .tooManyAttributes, 2, 1,
               limits: XMLLimits(maximumAttributesPerElement: 2)),
    XMLRefusal("element name of 5, limit 4", "<a>\n  <abcde/></a>", .nameTooLong, 2, 4, limits: XMLLimits(maximumNameLength: 4)),
    XMLRefusal("attribute name of 5, limit 4", "<a>\n<b abcde='1'/></a>", .nameTooLong, 2, 4, limits: XMLLimits(maximumNameLength: 4)),
    XMLRefusal("DOCTYPE", "<?xml version='1.0'?>\n<!DOCTYPE a>\n<a/>", .doctypeNotAllowed, 2, 1),
    XMLRefusal("DOCTYPE after the root", "<a/>\n<!DOCTYPE a>", .doctypeNotAllowed, 2, 1),
    XMLRefusal("ENTITY declaration inside", "<a>\n <!ENTITY x 'y'></a>", .doctypeNotAllowed, 2, 2),
    XMLRefusal("&nbsp;", "<a>\n x &nbsp; y</a>", .unknownEntity, 2, 4),
    XMLRefusal("entity in an attribute", "<a>\n<b v='&copy;'/></a>", .unknownEntity, 2, 7),
    XMLRefusal("&#0;", "<a>&#0;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#x1F; (control)", "<a>\n&#x1F;</a>", .invalidCharacterReference, 2, 1),
    XMLRefusal("&#xD800; (surrogate)", "<a>&#xD800;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#xFFFE;", "<a>&#xFFFE;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#x110000;", "<a>&#x110000;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#99999999999999999999;", "<a>&#99999999999999999999;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#12a;", "<a>&#12a;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#X41; (capital X)", "<a>&#X41;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#;", "<a>&#;</a>", .invalidCharacterReference, 1, 4),
    XMLRefusal("&#x;", "<a x='&#x;'/>", .invalidCharacterReference, 1, 7),
    XMLRefusal("unquoted attribute", "<a>\n  <b x=1/></a>", .malformed, 2, 8),
    XMLRefusal("attribute without '='", "<a>\n<b x 'y'/></a>", .malformed, 2, 4),
    XMLRefusal("attribute without value", "<a x></a>", .malformed, 1, 4),
    XMLRefusal("attributes not separated", "<a x='1'y='2'/>", .malformed, 1, 9),
    XMLRefusal("'<' in an attribute value", "<a x='1<2'/>", .malformed, 1, 8),
    XMLRefusal("bare '&'", "<a>\nAT & T</a>", .malformed, 2, 4),
    XMLRefusal("'&' without ';'", "<a>&amp</a>", .malformed, 1, 4),
    XMLRefusal("'&#65' without ';'", "<a>&#65 </a>", .malformed, 1, 4),
    XMLRefusal("'&' in an attribute", "<a href='?a=1&b=2'/>", .malformed, 1, 14),
    XMLRefusal("'<' not starting a tag", "<a>1 < 2</a>", .malformed, 1, 6),
    XMLRefusal("'< /a>'", "<a>< /a>", .malformed, 1, 4),
    XMLRefusal("'</' without name", "<a></ a>", .malformed, 1, 4),
    XMLRefusal("junk in an end tag", "<a></a x>", .malformed, 1, 8),
    XMLRefusal("'/' not followed by '>'", "<a/ >", .malformed, 1, 3),
    XMLRefusal("junk in a start tag", "<a\n  x='1' ?>", .malformed, 2, 9),
    XMLRefusal("'<!' that is not a comment", "<a><!x></a>", .malformed, 1, 4),
    XMLRefusal("'<?' without a target", "<a><? x?></a>", .malformed, 1, 4),
    XMLRefusal("text before the root", "hello <a/>", .malformed, 1, 1),
    XMLRefusal("CDATA before the root", "<![CDATA[x]]><a/>", .malformed, 1, 1),
    XMLRefusal("NUL character", "<a>\nx\u{0}</a>", .malformed, 2, 2),
    XMLRefusal("escape character", "<a>\u{1B}[31m</a>", .malformed, 1, 4),
    XMLRefusal("U+FFFF", "<a>\u{FFFF}</a>", .malformed, 1, 4),
    XMLRefusal("broken XML declaration", "<?xml version='1.0' encoding=UTF-8?><a/>", .malformed, 1, 30),
    XMLRefusal("mismatched", "<a>\n<b></c></a>", .mismatchedTag, 2, 4),
    XMLRefusal("case matters", "<a></A>", .mismatchedTag, 1, 4),
    XMLRefusal("end tag first", "</a>", .mismatchedTag, 1, 1),
    XMLRefusal("unclosed", "<a>\n  <b>text", .unclosedElement, 2, 3),
    XMLRefusal("unclosed root", "<a>\n", .unclosedElement, 1, 1),
    XMLRefusal("no root, comments only", "<?xml version='1.0'?>\n<!-- nothing -->\n", .noRootElement, nil, nil),
    XMLRefusal("empty", "", .noRootElement, nil, nil),
    XMLRefusal("white space only", " \n\t ", .noRootElement, nil, nil),
    XMLRefusal("second root", "<a/>\n<b/>", .contentAfterRoot, 2, 1),
    XMLRefusal("text after the root", "<a/>\n x", .contentAfterRoot, 2, 2),
    XMLRefusal("end tag after the root", "<a></a></a>", .contentAfterRoot, 1, 8),
    XMLRefusal("CDATA after the root", "<a/><![CDATA[x]]>", .contentAfterRoot, 1, 5),
    XMLRefusal("duplicate attribute", "<a>\n<b x='1' x='2'/></a>", .duplicateAttribute, 2, 10),
    XMLRefusal("invalid UTF-8, nothing declared", [UInt8]("<a>\nx".utf8) + [0xFF] + [UInt8]("</a>".utf8), .invalidEncoding, 2, 2),
    XMLRefusal("declared UTF-8, really Latin-1", [UInt8]("<?xml version='1.0' encoding='UTF-8'?>\n<a>Jos".utf8) + [0xE9] + [UInt8]("</a>".utf8),
               .invalidEncoding, 2, 7),
    XMLRefusal("declared US-ASCII, has UTF-8", [UInt8]("<?xml version='1.0' encoding='us-ascii'?>\n<a>\n é</a>".utf8), .invalidEncoding, 3, 2),
    XMLRefusal("UTF-8 BOM, declared Latin-1", [0xEF, 0xBB, 0xBF] + [UInt8]("<?xml version='1.0' encoding='ISO-8859-1'?><a/>".utf8),
               .invalidEncoding, 1, 1),
    XMLRefusal("windows-1252", "<?xml version='1.0' encoding='windows-1252'?><a/>", .unsupportedEncoding, 1, 1),
    XMLRefusal("declared UTF-16 without BOM", "<?xml version='1.0' encoding='UTF-16'?><a/>", .unsupportedEncoding, 1, 1),
    XMLRefusal("UTF-16 LE BOM", [0xFF, 0xFE] + Array("<a/>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
               .unsupportedEncoding, 1, 1),
]

@Suite("XML reader errors")
struct XMLReaderErrorTests {
    @Test("each error code, with its line and column", arguments: everyCode)
    func refusal(_ refusal: XMLRefusal) {
        refusal.check()
    }

    @Test("every error code is covered above")
    func everyCodeCovered() {
        let codes: [XMLError.Code] = [
            .tooLarge, .tooDeep, .tooManyElements, .tooManyAttributes, .nameTooLong, .doctypeNotAllowed,
            .unknownEntity, .invalidCharacterReference, .malformed, .mismatchedTag, .unclosedElement,
            .noRootElement, .contentAfterRoot, .duplicateAttribute, .invalidEncoding, .unsupportedEncoding,
        ]
        #expect(Set(codes).count == 16)
        #expect(Set(codes) == Set(everyCode.map(\.code)))
        #expect(codes.map(\.description).contains("doctypeNotAllowed"))
    }

    @Test("messages say what is wrong and what to do")
    func messages() throws {
        let mismatch = #expect(throws: XMLError.self) { try XMLReader.parse("<a>\n  <incomingServer>\n  </incoming></a>") }
        #expect(mismatch?.description
            == "line 3, column 3: </incoming> does not match <incomingServer> (line 2, column 3)"
            + " — close <incomingServer> with </incomingServer> first, or check the spelling")

        let mislabelled = #expect(throws: XMLError.self) {
            try XMLReader.parse([UInt8]("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>".utf8) + [0xE9] + [UInt8]("</a>".utf8))
        }
        #expect(mislabelled?.description.contains("mislabelled") == true)

        let wide = #expect(throws: XMLError.self) { try XMLReader.parse([0xFE, 0xFF, 0x00, 0x3C]) }
        #expect(wide?.description.hasSuffix("save the file as UTF-8") == true)

        let large = #expect(throws: XMLError.self) { try XMLReader.parse("<a/>", limits: XMLLimits(maximumBytes: 3)) }
        #expect(large?.line == nil)
        #expect(large?.description.hasPrefix("the document is 4 bytes, more than the limit of 3 bytes — ") == true)
    }

    @Test("the string entry point reports the same errors")
    func stringErrors() {
        let error = #expect(throws: XMLError.self) { try XMLReader.parse("<a>\n\u{0}</a>") }
        #expect(error?.code == .malformed)
        #expect(error?.line == 2)
        let large = #expect(throws: XMLError.self) { try XMLReader.parse("<a/>", limits: XMLLimits(maximumBytes: 3)) }
        #expect(large?.code == .tooLarge)
    }
}
