import Foundation
import MailSettings
import Testing

@testable import MailAutoconfig

/// Every HTTP source against real nginx on loopback: the domain's autoconfig files over HTTPS and
/// HTTP, the ISPDB and Autodiscover, found, merged and ranked; and the same through the CLI with
/// `--connect-to` and `--cacert`.
@Suite("Sources against nginx", .serialized, .enabled(if: World.canRun, World.skipMessage))
struct SourcesWorldTests {
    static func config(pop: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="example.test">
            <domain>example.test</domain>
            <displayName>Example Mail</displayName>
            <incomingServer type="pop3"><hostname>\(pop)</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
          <enable visiturl="https://mail.example.test/settings/pop">
            <instruction lang="en">Turn POP on in the settings.</instruction>
            <instruction lang="es">Activa POP en los ajustes.</instruction>
          </enable>
        </clientConfig>

        """
    }

    static let autodiscover = """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
          <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
            <Account><AccountType>email</AccountType><Action>settings</Action>
              <Protocol><Type>IMAP</Type><Server>imap.example.test</Server><Port>993</Port><SSL>on</SSL></Protocol>
            </Account>
          </Response>
        </Autodiscover>

        """

    static func makeWorld() async throws -> World {
        var options = World.Options()
        options.hostNames += ["ispdb.test"]
        // The ISPDB serves its entries, which have no .xml ending, as XML.
        options.locations = [.contentType(path: "/v1.1/example.test", type: "text/xml; charset=utf-8")]
        let world = try await World.start(options)
        try world.write("autoconfig.example.test", "/mail/config-v1.1.xml", config(pop: "pop.example.test"))
        try world.write("example.test", "/.well-known/autoconfig/mail/config-v1.1.xml", config(pop: "pop.example.test"))
        try world.write("ispdb.test", "/v1.1/example.test", config(pop: "pop.example.test"))
        try world.write("autodiscover.example.test", "/autodiscover/autodiscover.xml", autodiscover)
        return world
    }

    @Test("each source finds its file; agreeing sources merge into one trusted, top-ranked candidate")
    func everySource() async throws {
        let world = try await Self.makeWorld()
        defer { world.stop() }
        let http = try NIOHTTPClient(additionalTrustRootsPEM: [world.caPEM], addressMapping: world.addressMapping)
        let resolver = try AutoconfigResolver(http: http, dns: StubDNSResolver())
        let result = await resolver.resolve(
            try MailQuery(parsing: "alice@example.test"), input: "alice@example.test",
            options: ResolverOptions(timeout: .seconds(20), ispdbBaseURL: "https://ispdb.test/v1.1/")
        )
        let status = Dictionary(uniqueKeysWithValues: result.sources.map { ($0.id, $0.status) })
        #expect(status[.autoconfigHTTPS] == .found, "\(result.sources)")
        #expect(status[.wellKnownHTTPS] == .found, "\(result.sources)")
        #expect(status[.autoconfigHTTP] == .found, "\(result.sources)")
        #expect(status[.ispdb] == .found, "\(result.sources)")
        #expect(status[.autodiscover] == .found, "\(result.sources)")
        #expect(status[.bundled] == .empty)
        #expect(status[.wellKnownHTTP] == .found, "\(result.sources)")

        let pop = try #require(result.incoming.first)
        #expect(pop.settings.hostname == "pop.example.test")
        #expect(pop.settings.username == "alice@example.test")
        #expect(pop.trusted)
        #expect(Set(pop.sources) == [.autoconfigHTTPS, .wellKnownHTTPS, .autoconfigHTTP, .wellKnownHTTP, .ispdb])
        #expect(pop.sources.first == .autoconfigHTTPS || pop.sources.first == .wellKnownHTTPS, "trusted sources first")
        #expect(result.incoming.contains { $0.settings.hostname == "imap.example.test" && $0.sources == [.autodiscover] })
        #expect(result.outgoing.first?.settings.hostname == "smtp.example.test")
        let enable = try #require(result.notes.first { $0.id == "enable-pop" })
        #expect(enable.text == "Turn POP on in the settings.")
        #expect(enable.url == "https://mail.example.test/settings/pop")
        #expect(result.provider?.name == "Example Mail")
    }

    @Test("--no-http skips the plain-HTTP sources; an untrusted CA makes the HTTPS ones fail, not the lookup")
    func untrustedAndNoHTTP() async throws {
        let world = try await Self.makeWorld()
        defer { world.stop() }
        let http = try NIOHTTPClient(addressMapping: world.addressMapping)  // the test CA is not trusted
        let result = await (try AutoconfigResolver(http: http, dns: StubDNSResolver())).resolve(
            try MailQuery(parsing: "alice@example.test"), input: "alice@example.test",
            options: ResolverOptions(timeout: .seconds(20), allowPlainHTTP: false, ispdbBaseURL: "https://ispdb.test/v1.1/")
        )
        let byID = Dictionary(uniqueKeysWithValues: result.sources.map { ($0.id, $0) })
        #expect(byID[.autoconfigHTTP]?.status == .skipped)
        #expect(byID[.wellKnownHTTP]?.status == .skipped)
        for id in [SourceID.autoconfigHTTPS, .wellKnownHTTPS, .ispdb] {
            #expect(byID[id]?.status == .failed, "\(id): \(String(describing: byID[id]))")
            #expect(byID[id]?.detail.contains("certificate") == true, "\(id): \(String(describing: byID[id]?.detail))")
        }
        #expect(result.incoming.isEmpty)
    }

    @Test(
        "the CLI: --connect-to and --cacert reach every source, and the TLS name stays the original host",
        .enabled(if: DNSWorld.canRun, DNSWorld.skipMessage)
    )
    func commandLine() async throws {
        let world = try await Self.makeWorld()
        defer { world.stop() }
        let dns = try await DNSWorld.start()  // SRV and MX go to dnsmasq, never to the system resolver
        defer { dns.stop() }
        let ca = world.folder.appendingPathComponent("cli-ca.pem")
        try world.caPEM.write(to: ca, atomically: true, encoding: .utf8)
        var arguments = ["alice@example.test", "--json", "--wait-all", "--ispdb-url", "https://ispdb.test/v1.1/", "--cacert", ca.path, "--timeout", "20", "--dns-server", dns.server.description]
        for entry in world.addressMapping.connectTo {
            arguments += ["--connect-to", "\(entry.host):\(entry.port.map(String.init) ?? ""):\(entry.targetHost):\(entry.targetPort.map(String.init) ?? "")"]
        }
        let run = try CommandLineTool.run(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        let found = sources.filter { $0["status"] as? String == "found" }.compactMap { $0["id"] as? String }
        #expect(Set(found) == ["autoconfig-https", "well-known-https", "autoconfig-http", "well-known-http", "ispdb", "srv", "autodiscover"], "\(sources)")
        let incoming = try #require(json["incoming"] as? [[String: Any]])
        #expect(incoming.first?["hostname"] as? String == "pop.example.test")
    }
}

/// Autodiscover redirects against nginx: followed to another domain with a warning note, and a
/// redirect loop stopped after ten.
@Suite("Autodiscover redirects against nginx", .serialized, .enabled(if: World.canRun, World.skipMessage))
struct AutodiscoverWorldTests {
    static func response(_ account: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
          <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
            <Account>\(account)</Account>
          </Response>
        </Autodiscover>

        """
    }

    static func resolve(_ world: World) async throws -> LookupResult {
        let http = try NIOHTTPClient(additionalTrustRootsPEM: [world.caPEM], addressMapping: world.addressMapping)
        return await (try AutoconfigResolver(http: http, dns: StubDNSResolver())).resolve(
            try MailQuery(parsing: "alice@example.test"), input: "alice@example.test",
            options: ResolverOptions(timeout: .seconds(20), allowPlainHTTP: false, ispdbBaseURL: "https://autoconfig.example.test/no-ispdb/")
        )
    }

    @Test("redirectAddr to another domain is followed, and the person is warned")
    func redirectAddress() async throws {
        var options = World.Options()
        options.hostNames += ["autodiscover.other.test"]
        let world = try await World.start(options)
        defer { world.stop() }
        try world.write("autodiscover.example.test", "/autodiscover/autodiscover.xml", Self.response(
            "<Action>redirectAddr</Action><RedirectAddr>alice@other.test</RedirectAddr>"))
        try world.write("autodiscover.other.test", "/autodiscover/autodiscover.xml", Self.response("""
            <Action>settings</Action>
            <Protocol><Type>POP3</Type><Server>pop.other.test</Server><Port>995</Port><SSL>on</SSL></Protocol>
            <Protocol><Type>SMTP</Type><Server>smtp.other.test</Server><Port>465</Port><SSL>on</SSL></Protocol>
            """))
        let result = try await Self.resolve(world)
        let autodiscover = try #require(result.sources.first { $0.id == .autodiscover })
        #expect(autodiscover.status == .found, "\(autodiscover)")
        #expect(autodiscover.detail.contains("autodiscover.other.test"))
        #expect(result.incoming.first?.settings.hostname == "pop.other.test")
        let note = try #require(result.notes.first { $0.id == "autodiscover-redirect" })
        #expect(note.kind == .warning)
        #expect(note.text.contains("autodiscover.other.test") && note.text.contains("example.test"))
    }

    @Test("a redirect loop stops after ten redirects and fails the source, not the lookup")
    func redirectLoop() async throws {
        let world = try await World.start()
        defer { world.stop() }
        try world.write("autodiscover.example.test", "/autodiscover/autodiscover.xml", Self.response(
            "<Action>redirectAddr</Action><RedirectAddr>alice@example.test</RedirectAddr>"))
        let result = try await Self.resolve(world)
        let autodiscover = try #require(result.sources.first { $0.id == .autodiscover })
        #expect(autodiscover.status == .failed)
        #expect(autodiscover.detail == "more than 10 Autodiscover redirects")
    }
}

/// Runs the built `autoconf-lookup` binary.
enum CommandLineTool {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0])
        for _ in 0..<3 {
            directory = directory.deletingLastPathComponent()
            let candidate = directory.appendingPathComponent("autoconf-lookup")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: ".build/debug/autoconf-lookup")
    }

    /// Runs the tool with `arguments`, its standard output and error in files, and `input` (when
    /// given) on its standard input.
    static func run(_ arguments: [String], input: String? = nil) throws -> Run {
        try run(executable, arguments, environment: ["PATH": "/usr/bin:/bin"], input: input)
    }

    /// Runs the tool in a pseudo-terminal, as `script` gives it one: standard output and error
    /// both arrive, merged, in `stdout`.
    static func runInTerminal(_ arguments: [String]) throws -> Run {
        let quoted = ([executable.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try run(
            URL(fileURLWithPath: "/usr/bin/script"), ["-q", "-e", "-c", quoted.joined(separator: " "), "/dev/null"],
            environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"])
    }

    private static func run(_ program: URL, _ arguments: [String], environment: [String: String], input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.environment = environment
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let input {
            let inputFile = folder.appendingPathComponent("in")
            try Data(input.utf8).write(to: inputFile)
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
