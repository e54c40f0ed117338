import Foundation
import MailSettings
import Testing

@testable import AutoconfLookupCLI

/// The hand-written JSON writer and the contract's JSON form of a lookup.
@Suite("JSON output")
struct JSONOutputTests {
    // MARK: The writer

    @Test("strings: quote, backslash and control characters escaped; slash, emoji and é as they are")
    func escaping() {
        #expect(JSONValue.string("say \"hi\"").prettyPrinted == #""say \"hi\"""#)
        #expect(JSONValue.string(#"C:\mail"#).prettyPrinted == #""C:\\mail""#)
        #expect(JSONValue.string("one\ntwo\r\tthree").prettyPrinted == #""one\ntwo\r\tthree""#)
        #expect(JSONValue.string("a\u{1}b\u{1F}c\u{0}").prettyPrinted == #""a\u0001b\u001fc\u0000""#)
        #expect(JSONValue.string("\u{8}\u{C}").prettyPrinted == #""\b\f""#)
        #expect(JSONValue.string("📬 é ñ").prettyPrinted == "\"📬 é ñ\"")
        #expect(JSONValue.string("https://example.com/a/b").prettyPrinted == "\"https://example.com/a/b\"")
        #expect(JSONValue.string("").prettyPrinted == "\"\"")
        #expect(JSONValue.string("\u{7F}\u{2028}").prettyPrinted == "\"\u{7F}\u{2028}\"")
    }

    @Test("every character below U+0020, and the escaped ones, read back the same through JSONSerialization")
    func escapingRoundTrip() throws {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\"\\/ é 📬 \u{7F} end"
        let written = JSONValue.array([.string(text)]).prettyPrinted
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String])
        #expect(parsed == [text])
    }

    @Test("pretty form: two-space indent, \"key\": value, [] and {} when empty, keys in the given order")
    func pretty() {
        let value = JSONValue.object([
            ("zeta", .int(1)),
            ("alpha", .array([.string("x"), .object([("b", .bool(true)), ("a", .null)])])),
            ("empty", .array([])),
            ("none", .object([])),
            ("score", .double(0.96)),
            ("flag", .bool(false)),
            ("negative", .int(-7)),
        ])
        #expect(value.prettyPrinted == """
            {
              "zeta": 1,
              "alpha": [
                "x",
                {
                  "b": true,
                  "a": null
                }
              ],
              "empty": [],
              "none": {},
              "score": 0.96,
              "flag": false,
              "negative": -7
            }
            """)
        #expect(JSONValue.array([]).prettyPrinted == "[]")
        #expect(JSONValue.null.prettyPrinted == "null")
    }

    @Test("numbers: Int as is, Double in Swift's shortest form, no NaN or infinity")
    func numbers() {
        #expect(JSONValue.int(995).prettyPrinted == "995")
        #expect(JSONValue.double(0.96).prettyPrinted == "0.96")
        #expect(JSONValue.double(0.9).prettyPrinted == "0.9")
        #expect(JSONValue.double(1).prettyPrinted == "1.0")
        #expect(JSONValue.double(0.8 + 0.1 + 0.06).prettyPrinted == String(describing: 0.8 + 0.1 + 0.06))
        #expect(JSONValue.double(.nan).prettyPrinted == "null")
        #expect(JSONValue.double(.infinity).prettyPrinted == "null")
    }

    // MARK: The contract

    static let inputs = ["alice@gmail.com", "gmail.com", "bob@unknown-provider.test", "usuario@españa.es", "alice@tutanota.com"]

    static func lookup(_ input: String, language: Language = .english) throws -> LookupResult {
        KnowledgeBase.bundled.lookup(try MailQuery(parsing: input), input: input, options: LookupOptions(language: language))
    }

    /// A parsed JSON document in a canonical form (keys sorted) to compare two encodings.
    static func canonical(_ text: String) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test("a real lookup parses, and says the same as JSONEncoder's encoding of the result", arguments: inputs)
    func sameAsJSONEncoder(input: String) throws {
        for language in [Language.english, .spanish] {
            let result = try Self.lookup(input, language: language)
            let ours = LookupJSON.encode(result)
            let encoder = JSONEncoder()
            let theirs = String(decoding: try encoder.encode(result), as: UTF8.self)
            #expect(try Self.canonical(ours) == Self.canonical(theirs), "\(input) (\(language))")
        }
    }

    @Test("keys come out in the contract's order")
    func keyOrder() throws {
        let text = LookupJSON.encode(try Self.lookup("alice@gmail.com"))
        let topLevel = text.split(separator: "\n").filter { $0.hasPrefix("  \"") && !$0.hasPrefix("   ") }
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(topLevel == ["query", "provider", "incoming", "outgoing", "notes", "sources"])

        func keys(_ value: JSONValue) -> [String] {
            if case let .object(members) = value { return members.map(\.0) }
            return []
        }
        let result = try Self.lookup("alice@gmail.com")
        #expect(keys(result.query.json) == ["input", "domain", "localPart"])
        #expect(keys(try #require(result.provider).json) == ["id", "name"])
        #expect(keys(try #require(result.incoming.first).json) == [
            "protocol", "hostname", "port", "security", "username", "authentication", "sources", "trusted", "score", "reasons",
        ])
        let withURL = try #require(result.notes.first { $0.url != nil })
        let withoutURL = try #require(result.notes.first { $0.url == nil })
        #expect(keys(withURL.json) == ["id", "kind", "text", "url"])
        #expect(keys(withoutURL.json) == ["id", "kind", "text"])
        #expect(keys(try #require(result.sources.first).json) == ["id", "status", "detail", "ms"])
        #expect(text.contains("\"localPart\": \"alice\""))
        #expect(try Self.lookup("gmail.com").json.prettyPrinted.contains("\"localPart\": null"))
        #expect(text.contains("\"url\": \"https://support.google.com/mail/answer/7104828\""), "slashes are not escaped")
    }

    /// Two sources giving the same POP3 server, one with the full address, one with the local part.
    static func differingUsernames(_ input: String, language: Language = .english) throws -> (MailQuery, LookupResult) {
        let query = try MailQuery(parsing: input)
        func finding(_ source: SourceID, _ username: String) -> SourceFinding {
            SourceFinding(source: source, trusted: true, confidence: .high, servers: [
                ServerSettings(protocol: .pop3, hostname: "pop.x.test", port: 995, security: .tls, username: username),
                ServerSettings(protocol: .smtp, hostname: "smtp.x.test", port: 465, security: .tls, username: "%EMAILADDRESS%"),
            ])
        }
        let result = LookupAssembler.assemble(
            query: query, input: input, findings: [finding(.bundled, "%EMAILADDRESS%"), finding(.ispdb, "%EMAILLOCALPART%")],
            reports: [], catalog: KnowledgeBase.bundled.notes, options: LookupOptions(language: language))
        return (query, result)
    }

    @Test("alternativeUsernames: right after username, only when there are any, as JSONEncoder says")
    func alternativeUsernames() throws {
        func keys(_ value: JSONValue) -> [String] {
            if case let .object(members) = value { return members.map(\.0) }
            return []
        }
        let (_, result) = try Self.differingUsernames("alice@x.test")
        let pop = try #require(result.incoming.first)
        #expect(pop.alternativeUsernames == ["alice"])
        #expect(keys(pop.json) == [
            "protocol", "hostname", "port", "security", "username", "alternativeUsernames", "authentication",
            "sources", "trusted", "score", "reasons",
        ])
        #expect(!keys(try #require(result.outgoing.first).json).contains("alternativeUsernames"))
        let ours = LookupJSON.encode(result)
        #expect(ours.contains(#""alternativeUsernames": ["#))
        let theirs = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(try Self.canonical(ours) == Self.canonical(theirs))
    }

    @Test("human output: a line after the table when the user name has another form, in English and Spanish")
    func alternativeUsernameLine() throws {
        let (query, english) = try Self.differingUsernames("alice@x.test")
        let text = HumanRenderer(language: .english, width: 100).render(english, query: query, preferred: .pop3)
        #expect(text.contains("\n  If the server refuses alice@x.test as the user name, try alice.\n\nOutgoing mail"))
        #expect(!text.contains("refuses alice@x.test as the user name, try alice.\n\nSources"))

        let (_, spanish) = try Self.differingUsernames("alice@x.test", language: .spanish)
        let texto = HumanRenderer(language: .spanish, width: 100).render(spanish, query: query, preferred: .pop3)
        #expect(texto.contains("  Si el servidor rechaza alice@x.test como nombre de usuario, prueba con alice.\n"))

        let (domainQuery, domain) = try Self.differingUsernames("x.test")
        let templates = HumanRenderer(language: .english, width: 100).render(domain, query: domainQuery, preferred: .pop3)
        #expect(templates.contains("  If the server refuses <your address> as the user name, try <name before @>.\n"))

        let plain = try Self.lookup("alice@gmail.com")
        let none = HumanRenderer(language: .english, width: 100).render(plain, query: try MailQuery(parsing: "alice@gmail.com"), preferred: .pop3)
        #expect(!none.contains("If the server refuses"))
    }

    @Test("providers --json: every provider, keys in order, notes as ids, optional keys only when present")
    func providers() throws {
        let providers = KnowledgeBase.bundled.providers
        let text = LookupJSON.encode(providers)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(list.count == providers.count)
        #expect(list.map { $0["id"] as? String } == providers.map(\.id))

        let gmail = try #require(providers.first { $0.id == "gmail" })
        guard case let .object(members) = gmail.listingJSON else {
            Issue.record("not an object")
            return
        }
        var expected = ["id", "name", "kind", "origin", "confidence"]
        if gmail.lastReviewed != nil { expected.append("lastReviewed") }
        expected += ["domains", "mxPatterns", "incoming", "outgoing", "notes"]
        if gmail.help != nil { expected.append("help") }
        #expect(members.map(\.0) == expected)
        let listed = try #require(list.first { $0["id"] as? String == "gmail" })
        #expect(listed["notes"] as? [String] == gmail.notes.map(\.id))
        let server = try #require((listed["incoming"] as? [[String: Any]])?.first)
        #expect(Set(server.keys) == ["protocol", "hostname", "port", "security", "username", "authentication"])

        for (provider, entry) in zip(providers, list) {
            #expect((entry["lastReviewed"] != nil) == (provider.lastReviewed != nil), "\(provider.id)")
            #expect((entry["help"] != nil) == (provider.help != nil), "\(provider.id)")
        }
    }

    // MARK: Scores for people

    @Test("scores with two decimals, as printf's %.2f writes them")
    func scoreText() throws {
        #expect(ScoreText.format(0.9) == "0.90")
        #expect(ScoreText.format(1) == "1.00")
        #expect(ScoreText.format(0.05) == "0.05")
        #expect(ScoreText.format(0.8 + 0.1 + 0.06) == "0.96")
        #expect(ScoreText.format(0) == "0.00")
        #expect(ScoreText.format(-0.25) == "-0.25")
        #expect(ScoreText.format(12.345678) == "12.35")
        for hundredths in 0...200 {
            let score = Double(hundredths) / 100
            #expect(ScoreText.format(score) == String(format: "%.2f", score))
        }
        for input in Self.inputs {
            for candidate in try Self.lookup(input).incoming + Self.lookup(input).outgoing {
                #expect(ScoreText.format(candidate.score) == String(format: "%.2f", candidate.score))
            }
        }
    }
}
