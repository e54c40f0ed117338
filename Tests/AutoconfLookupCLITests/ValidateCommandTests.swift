import Foundation
import Testing

/// `autoconf-lookup validate`, end to end through the built binary.
@Suite("autoconf-lookup validate")
struct ValidateCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MailSettingsTests/Fixtures/autoconfig")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    @Test("a valid file: exit 0, the verdict, the servers with their lines")
    func valid() throws {
        let run = try CLIRunner.run(["validate", Self.fixture("valid-pop3.xml")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("\(Self.fixture("valid-pop3.xml")): valid (0 errors, 0 warnings)"))
        #expect(run.stdout.contains("pop.hoster.example"))
        #expect(run.stdout.contains("Turn on access for mail programs"))
        #expect(run.stderr.isEmpty)
    }

    @Test("--json: the contract's shape, servers in file order with lines, placeholders as written, notes with url")
    func json() throws {
        let run = try CLIRunner.run(["validate", Self.fixture("valid-pop3.xml"), "--json", "--lang", "es"])
        #expect(run.status == 0)
        let json = try #require(run.json)
        #expect(Array(json.keys).sorted() == ["errors", "incoming", "notes", "outgoing", "valid", "warnings"])
        #expect(run.stdout.range(of: "\"valid\"")!.lowerBound < run.stdout.range(of: "\"notes\"")!.lowerBound)
        #expect(json["valid"] as? Bool == true)
        let incoming = try #require(json["incoming"] as? [[String: Any]])
        #expect(incoming.first?["protocol"] as? String == "pop3")
        #expect(incoming.first?["username"] as? String == "%EMAILADDRESS%")
        #expect(incoming.first?["security"] as? String == "tls")
        #expect(incoming.first?["authentication"] as? [String] == ["password-cleartext"])
        #expect(incoming.first?["line"] as? Int == 7)
        let notes = try #require(json["notes"] as? [[String: Any]])
        let enable = try #require(notes.first { $0["id"] as? String == "enable-pop" })
        #expect(enable["kind"] as? String == "action")
        #expect(enable["text"] as? String == "Primero activa el acceso para programas de correo en el webmail.")
        #expect(enable["url"] as? String == "https://webmail.hoster.example/settings/access")
    }

    @Test("an invalid file: exit 1, errors with lines a hoster can act on")
    func invalid() throws {
        let run = try CLIRunner.run(["validate", Self.fixture("broken.xml")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("not valid (3 errors, 1 warning)"))
        #expect(run.stdout.contains("line 15: port 99999 is out of range"))
        #expect(run.stdout.contains("line 21: hostname \"smtp.broken.example:587\" contains a port"))
        #expect(run.stdout.contains("line 6: plain socketType on port 110 sends passwords unencrypted"))
        #expect(run.stdout.contains("no outgoing server"))

        let json = try #require(try CLIRunner.run(["validate", Self.fixture("broken.xml"), "--json"]).json)
        #expect(json["valid"] as? Bool == false)
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(errors.count == 3)
        #expect(errors.first?["line"] as? Int == 15)
        #expect(errors.last?["line"] is NSNull)  // "no outgoing server" belongs to no line
        #expect((errors.last?["message"] as? String)?.hasPrefix("no outgoing server") == true)
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.first?["line"] as? Int == 6)
        #expect((json["outgoing"] as? [Any])?.isEmpty == true)
        let notes = try #require(json["notes"] as? [[String: Any]])
        #expect(notes.contains { $0["id"] as? String == "insecure-port" })
    }

    @Test("a missing file or a directory: exit 64 and one line on standard error")
    func unreadable() throws {
        for path in ["/nonexistent/autoconfig.xml", Self.fixtures.path] {
            let run = try CLIRunner.run(["validate", path])
            #expect(run.status == 64)
            #expect(run.stdout.isEmpty)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(run.stderr.hasPrefix("autoconf-lookup: cannot read \(path): "))
        }
        let usage = try CLIRunner.run(["validate"])
        #expect(usage.status == 64)
    }

    @Test("hostile or non-XML files: not valid, exit 1, a clear message, no crash", arguments: ["doctype-bomb.xml", "not-xml.txt"])
    func hostile(_ name: String) throws {
        let run = try CLIRunner.run(["validate", Self.fixture(name), "--json"])
        #expect(run.status == 1, "\(run.stderr)")
        let json = try #require(run.json)
        #expect(json["valid"] as? Bool == false)
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect((errors.first?["message"] as? String)?.hasPrefix("the file is not usable XML") == true)
        if name.hasPrefix("doctype") {
            #expect((errors.first?["message"] as? String)?.contains("DOCTYPE") == true)
        }
    }

    @Test("a file far above the size cap is refused without reading it all", .timeLimit(.minutes(1)))
    func oversized() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-validate-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: path) }
        var data = Data("<clientConfig version=\"1.1\">".utf8)
        data.append(Data(repeating: UInt8(ascii: " "), count: 20_000_000))
        try data.write(to: path)
        let run = try CLIRunner.run(["validate", path.path, "--json"])
        #expect(run.status == 1)
        #expect(run.json?["valid"] as? Bool == false)
    }

    @Test("every ISPDB file validates", .enabled(if: FileManager.default.fileExists(atPath: ispdb.path) || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1"))
    func ispdbFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.ispdb.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(!files.isEmpty)
        for file in files.prefix(20) {  // a sample through the binary; the parser tests cover all of them
            let run = try CLIRunner.run(["validate", Self.ispdb.appendingPathComponent(file).path])
            #expect(run.status == 0, "\(file): \(run.stdout)")
        }
    }

    static let ispdb = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/ispdb")
}
