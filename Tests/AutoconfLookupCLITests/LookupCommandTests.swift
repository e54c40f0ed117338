import Foundation
import Testing

/// End-to-end tests of `autoconf-lookup [lookup]`, running the built binary.
@Suite("autoconf-lookup lookup")
struct LookupCommandTests {
    @Test("--json prints exactly the contract's shape")
    func jsonShape() throws {
        let run = try CLIRunner.run(["alice@gmail.com", "--offline", "--json"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let json = try #require(run.json)
        #expect(Set(json.keys) == ["query", "provider", "incoming", "outgoing", "notes", "sources"])
        let query = try #require(json["query"] as? [String: Any])
        #expect(query["input"] as? String == "alice@gmail.com")
        #expect(query["domain"] as? String == "gmail.com")
        #expect(query["localPart"] as? String == "alice")
        let provider = try #require(json["provider"] as? [String: Any])
        #expect(provider["id"] as? String == "gmail")
        #expect(provider["name"] as? String != nil)
        let incoming = try #require(json["incoming"] as? [[String: Any]])
        let first = try #require(incoming.first)
        let keys: Set<String> = ["protocol", "hostname", "port", "security", "username", "authentication", "sources", "trusted", "score"]
        #expect(keys.isSubset(of: Set(first.keys)))
        #expect(first["protocol"] as? String == "pop3")
        #expect(first["hostname"] as? String == "pop.gmail.com")
        #expect(first["port"] as? Int == 995)
        #expect(first["security"] as? String == "tls")
        #expect(first["username"] as? String == "alice@gmail.com")
        #expect(first["sources"] as? [String] == ["bundled"])
        #expect(first["trusted"] as? Bool == true)
        let scores = incoming.compactMap { $0["score"] as? Double }
        #expect(scores == scores.sorted(by: >), "incoming is sorted best first")
        let outgoing = try #require(json["outgoing"] as? [[String: Any]])
        #expect(outgoing.allSatisfy { $0["protocol"] as? String == "smtp" })
        let notes = try #require(json["notes"] as? [[String: Any]])
        #expect(notes.allSatisfy { Set(["id", "kind", "text"]).isSubset(of: Set($0.keys)) })
        #expect(notes.allSatisfy { ["action", "warning", "info"].contains($0["kind"] as? String ?? "") })
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.first?["id"] as? String == "bundled")
        #expect(sources.first?["status"] as? String == "found")
        #expect(sources.first?["ms"] as? Int != nil)
    }

    @Test("--prefer imap puts IMAP first")
    func preferImap() throws {
        let run = try CLIRunner.run(["alice@gmail.com", "--offline", "--json", "--prefer", "imap"])
        let incoming = try #require(run.json?["incoming"] as? [[String: Any]])
        #expect(incoming.first?["protocol"] as? String == "imap")
    }

    @Test("--lang es and LANG=es_ES.UTF-8 write the notes in Spanish; --lang wins over LANG")
    func spanish() throws {
        let english = try #require(try CLIRunner.run(["alice@gmail.com", "--offline", "--json"]).json?["notes"] as? [[String: Any]])
        let flag = try #require(try CLIRunner.run(["alice@gmail.com", "--offline", "--json", "--lang", "es"]).json?["notes"] as? [[String: Any]])
        let env = try #require(try CLIRunner.run(["alice@gmail.com", "--offline", "--json"], environment: ["LANG": "es_ES.UTF-8"]).json?["notes"] as? [[String: Any]])
        let forced = try #require(try CLIRunner.run(["alice@gmail.com", "--offline", "--json", "--lang", "en"], environment: ["LANG": "es_ES.UTF-8"]).json?["notes"] as? [[String: Any]])
        #expect(flag.map { $0["id"] as? String } == english.map { $0["id"] as? String })
        #expect(flag.map { $0["text"] as? String } != english.map { $0["text"] as? String })
        #expect(env.map { $0["text"] as? String } == flag.map { $0["text"] as? String })
        #expect(forced.map { $0["text"] as? String } == english.map { $0["text"] as? String })
    }

    @Test("human output: a ranked table per direction, the notes and the sources")
    func human() throws {
        let run = try CLIRunner.run(["alice@gmail.com", "--offline"], environment: ["COLUMNS": "100"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "alice@gmail.com · Gmail")
        #expect(lines.contains { $0.contains("PROTOCOL") && $0.contains("SERVER") && $0.contains("SECURITY") })
        let pop = try #require(lines.firstIndex { $0.contains("pop.gmail.com") })
        let smtp = try #require(lines.firstIndex { $0.contains("smtp.gmail.com") })
        #expect(pop < smtp)
        #expect(lines[pop].contains("995") && lines[pop].contains("SSL/TLS") && lines[pop].contains("alice@gmail.com"))
        #expect(lines.contains("Sources"))
        #expect(lines.contains { $0.contains("bundled") && $0.contains("found") })
        #expect(lines.allSatisfy { $0.count <= 100 || $0.contains("http") })
    }

    @Test("a domain alone keeps the user name as a template in JSON, in words for people")
    func domainOnly() throws {
        let json = try CLIRunner.run(["gmail.com", "--offline", "--json"])
        #expect(json.status == 0)
        let incoming = try #require(json.json?["incoming"] as? [[String: Any]])
        #expect(incoming.first?["username"] as? String == "%EMAILADDRESS%")
        let query = try #require(json.json?["query"] as? [String: Any])
        #expect(query["localPart"] is NSNull)
        let human = try CLIRunner.run(["gmail.com", "--offline"])
        #expect(human.stdout.contains("<your address>"))
    }

    @Test("an unknown domain: exit 1, the JSON still printed with a null provider and empty lists")
    func unknown() throws {
        let run = try CLIRunner.run(["bob@unknown-provider.test", "--offline", "--json"])
        #expect(run.status == 1)
        let json = try #require(run.json)
        #expect(json["provider"] is NSNull)
        #expect((json["incoming"] as? [Any])?.isEmpty == true)
        #expect((json["outgoing"] as? [Any])?.isEmpty == true)
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.first?["status"] as? String == "empty")
    }

    @Test("IDN: españa.es is looked up as xn--espaa-rta.es and shown in Unicode")
    func idn() throws {
        let json = try CLIRunner.run(["usuario@españa.es", "--offline", "--json"])
        let query = try #require(json.json?["query"] as? [String: Any])
        #expect(query["domain"] as? String == "xn--espaa-rta.es")
        #expect(query["input"] as? String == "usuario@españa.es")
        let human = try CLIRunner.run(["usuario@xn--espaa-rta.es", "--offline"])
        #expect(human.stdout.hasPrefix("usuario@españa.es"))
    }

    @Test("--mx matches hosting patterns: Microsoft 365, and Google behind a filtering relay")
    func mxHosting() throws {
        let microsoft = try CLIRunner.run(["bob@contoso.test", "--offline", "--json", "--mx", "contoso-test.mail.protection.outlook.com"])
        #expect((microsoft.json?["provider"] as? [String: Any])?["id"] as? String == "microsoft-365")
        let google = try CLIRunner.run(["bob@contoso.test", "--offline", "--json", "--mx", "eu-smtp-inbound-1.mimecast.com", "--mx", "aspmx.l.google.com"])
        #expect((google.json?["provider"] as? [String: Any])?["id"] as? String == "google-workspace")
        let notes = try #require(google.json?["notes"] as? [[String: Any]])
        #expect(notes.contains { $0["id"] as? String == "filtering-relay" })
    }

    @Test("providers without standard access say so and exit 1")
    func tuta() throws {
        let run = try CLIRunner.run(["alice@tutanota.com", "--offline", "--json"])
        #expect(run.status == 1)
        let notes = try #require(run.json?["notes"] as? [[String: Any]])
        #expect(notes.contains { $0["id"] as? String == "no-standard-access" })
    }

    @Test(
        "invalid input: one line on stderr, nothing on stdout, exit 64",
        arguments: [
            "a@@gmail.com", "@gmail.com", "alice@", "alice@gmail..com", "al ice@gmail.com", "alice@gmail.com\u{7}",
            "alice@[127.0.0.1]", "alice@127.0.0.1", "alice@localhost",
            "alice@" + String(repeating: "a", count: 64) + ".com",
            "alice@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".com",
            "", "   ",
        ]
    )
    func invalid(input: String) throws {
        let run = try CLIRunner.run([input, "--offline"])
        #expect(run.status == 64, "\(input.debugDescription) exited \(run.status)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("autoconf-lookup: "))
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack"))
    }

    @Test("usage errors exit 64 with one line: an unknown option, a bad --prefer, a bad --mx")
    func usage() throws {
        for arguments in [["alice@gmail.com", "--frobnicate"], ["alice@gmail.com", "--prefer", "ews"], ["alice@gmail.com", "--mx", "bad host"], ["alice@gmail.com", "--lang", "fr"]] {
            let run = try CLIRunner.run(arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
        }
    }

    @Test("--help explains with examples and exits 0")
    func help() throws {
        let run = try CLIRunner.run(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Examples:"))
        #expect(run.stdout.contains("autoconf-lookup alice@gmail.com --offline"))
        #expect(run.stdout.contains("providers"))
    }

    @Test("the binary carries its data: a copy in another folder answers the same")
    func movedBinary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("moved-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("autoconf-lookup")
        try FileManager.default.copyItem(at: CLIRunner.executable, to: copy)
        let moved = try CLIRunner.run(["gmail.com", "--offline", "--json"], executable: copy)
        let original = try CLIRunner.run(["gmail.com", "--offline", "--json"])
        #expect(moved.status == 0)
        // Everything but the sources' timings is the same.
        for key in ["query", "provider", "incoming", "outgoing", "notes"] {
            let movedValue = try JSONSerialization.data(withJSONObject: try #require(moved.json?[key]), options: [.sortedKeys, .fragmentsAllowed])
            let originalValue = try JSONSerialization.data(withJSONObject: try #require(original.json?[key]), options: [.sortedKeys, .fragmentsAllowed])
            #expect(movedValue == originalValue, "\(key) differs")
        }
    }
}

/// The network options are checked before anything is sent.
@Suite("autoconf-lookup network options")
struct NetworkOptionTests {
    @Test(
        "bad network options: one line on stderr, exit 64, nothing sent",
        arguments: [
            ["--timeout", "0"],
            ["--timeout", "1000"],
            ["--resolve", "autoconfig.example.test:443"],
            ["--resolve", "autoconfig.example.test:99999:127.0.0.1"],
            ["--connect-to", "a:443:b"],
            ["--ispdb-url", "ftp://ispdb.example.test/"],
            ["--cacert", "/nonexistent/ca.pem"],
        ]
    )
    func invalid(arguments: [String]) throws {
        let run = try CLIRunner.run(["alice@example.test", "--resolve", "example.test:443:127.0.0.1"] + arguments)
        #expect(run.status == 64, "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
    }
}
