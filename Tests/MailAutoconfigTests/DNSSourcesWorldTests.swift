import Foundation
import Logging
import MailSettings
import Testing

@testable import MailAutoconfig

/// The `srv` and `mx` sources against a real dnsmasq on loopback, alone, through
/// ``AutoconfigResolver`` (with an HTTP transport that answers 404 at once) and through the CLI
/// with `--dns-server`. Nothing leaves loopback: every HTTP name the CLI would resolve is sent
/// to a closed loopback port with `--connect-to`.
@Suite("SRV and MX sources against dnsmasq", .serialized, .enabled(if: DNSWorld.canRun, DNSWorld.skipMessage))
struct DNSSourcesWorldTests {
    static func context(_ dns: any DNSResolving) -> SourceContext {
        SourceContext(
            http: RecordingTransport(), dns: dns, options: ResolverOptions(), knowledgeBase: .bundled,
            deadline: ContinuousClock.now + .seconds(10),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
    }

    static func resolve(_ address: String, world: DNSWorld) async throws -> LookupResult {
        let resolver = try AutoconfigResolver(
            http: RecordingTransport(), dns: NIODNSResolver(servers: [world.server], timeout: .seconds(2))
        )
        return await resolver.resolve(try MailQuery(parsing: address), input: address, options: ResolverOptions(timeout: .seconds(10)))
    }

    @Test("SRV only: servers in RFC 2782 order, implicit TLS, %EMAILADDRESS%; a \".\" target is reported, never a server")
    func srvOnly() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        let dns = NIODNSResolver(servers: [world.server], timeout: .seconds(2))
        let outcome = await SRVSource().lookUp(try MailQuery(parsing: "alice@srvonly.test"), in: Self.context(dns))
        #expect(outcome.status == .found, "\(outcome.detail)")
        let finding = try #require(outcome.finding)
        #expect(finding.source == .srv)
        #expect(finding.trusted)
        #expect(finding.servers.map { "\($0.protocol) \($0.hostname):\($0.port) \($0.security)" } == [
            "pop3 pop3.srvonly.test:995 tls",
            "pop3 pop2.srvonly.test:995 tls",
            "pop3 pop1.srvonly.test:1995 tls",
            "smtp smtp.srvonly.test:465 tls",
        ])
        #expect(finding.servers.allSatisfy { $0.username == "%EMAILADDRESS%" })
        #expect(!finding.servers.contains { $0.protocol == .imap })
        #expect(outcome.detail.contains("not offered (target \".\"): _imaps._tcp"), "\(outcome.detail)")

        let result = try await Self.resolve("alice@srvonly.test", world: world)
        let report = try #require(result.sources.first { $0.id == .srv })
        #expect(report.status == .found)
        #expect(report.detail.contains("_imaps._tcp"))
        let pop = try #require(result.incoming.first)
        #expect(pop.sources == [.srv])
        #expect(pop.settings.hostname.hasSuffix(".srvonly.test") && pop.settings.security == .tls)
        #expect(pop.settings.username == "alice@srvonly.test")
        #expect(result.outgoing.first?.settings.hostname == "smtp.srvonly.test")
        #expect(!result.incoming.contains { $0.settings.protocol == .imap })
        // srvonly.test has no MX: the mx source is empty.
        #expect(result.sources.first { $0.id == .mx }?.status == .empty)
    }

    @Test("an SRV target outside the user's domain, without AD, is not trusted")
    func srvOutside() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        let dns = NIODNSResolver(servers: [world.server], timeout: .seconds(2))
        let outcome = await SRVSource().lookUp(try MailQuery(parsing: "alice@srvout.test"), in: Self.context(dns))
        #expect(outcome.status == .found)
        #expect(outcome.finding?.trusted == false)
        #expect(outcome.finding?.servers.first?.hostname == "imap.provider.test")
        #expect(outcome.detail.contains("not trusted"), "\(outcome.detail)")
    }

    @Test("MX to Google and to Microsoft 365 give the provider, from the mx source")
    func mxProviders() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        for (address, provider, host) in [
            ("alice@gtest.test", "google-workspace", "aspmx.l.google.com"),
            ("bob@mstest.test", "microsoft-365", "mstest-test.mail.protection.outlook.com"),
        ] {
            let result = try await Self.resolve(address, world: world)
            #expect(result.provider?.id == provider, "\(result.sources)")
            let report = try #require(result.sources.first { $0.id == .mx })
            #expect(report.status == .found, "\(report)")
            #expect(report.detail.contains(host))
            #expect(result.incoming.first?.sources.contains(.mx) == true)
            #expect(result.sources.first { $0.id == .bundled }?.status == .empty)
        }
        // alt1 (preference 5) comes after aspmx (preference 1), whatever order dnsmasq sends.
        let answer = try await NIODNSResolver(servers: [world.server], timeout: .seconds(2)).query("gtest.test", type: .mx)
        #expect(MXSource.hosts(of: answer) == ["aspmx.l.google.com", "alt1.aspmx.l.google.com"])
    }

    @Test("an MX host in the user's own registered domain: the mx source is skipped and says why")
    func mxOwnDomain() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        let dns = NIODNSResolver(servers: [world.server], timeout: .seconds(2))
        let outcome = await MXSource().lookUp(try MailQuery(parsing: "alice@example.test"), in: Self.context(dns))
        #expect(outcome.status == .skipped)
        #expect(outcome.detail.contains("mx.example.test") && outcome.detail.contains("own"), "\(outcome.detail)")
    }

    @Test("the CLI with --dns-server: MX-to-Google, MX-to-Microsoft-365 and SRV-only domains")
    func commandLine() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        for (domain, provider, incoming) in [
            ("gtest.test", "google-workspace", nil),
            ("mstest.test", "microsoft-365", nil),
            ("srvonly.test", nil, "pop3.srvonly.test"),
        ] as [(String, String?, String?)] {
            var arguments = [
                "alice@\(domain)", "--dns-server", world.server.description, "--json", "--no-http",
                "--ispdb-url", "https://127.0.0.1:1/", "--timeout", "20", "--wait-all",
            ]
            for host in ["autoconfig.\(domain)", domain, "autodiscover.\(domain)"] {
                for port in [443, 80] {
                    arguments += ["--connect-to", "\(host):\(port):127.0.0.1:1"]
                }
            }
            let run = try CommandLineTool.run(arguments)
            #expect(run.status == 0, "\(domain): \(run.stderr)")
            let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
            let sources = try #require(json["sources"] as? [[String: Any]])
            let status = Dictionary(uniqueKeysWithValues: sources.compactMap { source in
                (source["id"] as? String).map { ($0, source["status"] as? String ?? "") }
            })
            if let provider {
                #expect((json["provider"] as? [String: Any])?["id"] as? String == provider, "\(domain): \(sources)")
                #expect(status["mx"] == "found", "\(domain): \(sources)")
            }
            if let incoming {
                #expect(status["srv"] == "found", "\(domain): \(sources)")
                let first = try #require((json["incoming"] as? [[String: Any]])?.first)
                #expect(first["hostname"] as? String == incoming, "\(domain): \(first)")
            }
            for id in ["autoconfig-https", "well-known-https", "ispdb", "autodiscover"] {
                #expect(status[id] == "empty" || status[id] == "failed", "\(domain) \(id): \(sources)")
            }
        }
    }

    @Test(
        "progress goes to standard error only when it is a terminal; the default answers early, --wait-all does not",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) from bsdutils")
    )
    func progressAndEarlyAnswer() async throws {
        let world = try await DNSWorld.start()
        defer { world.stop() }
        // Every name goes to dnsmasq (NXDOMAIN for the HTTP hosts); the ISPDB is a closed port.
        let arguments = [
            "alice@srvonly.test", "--dns-server", world.server.description, "--ispdb-url", "https://127.0.0.1:1/", "--timeout", "20",
        ]
        let piped = try CommandLineTool.run(arguments)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.contains("pop3.srvonly.test"))
        #expect(piped.stderr.isEmpty, "progress written to a pipe: \(piped.stderr)")

        let terminal = try CommandLineTool.runInTerminal(arguments)
        #expect(terminal.stdout.contains("sources answered; waiting for"), "\(terminal.stdout)")
        #expect(terminal.stdout.contains("\r\u{1B}[K"), "the line is erased at the end")
        #expect(terminal.stdout.contains("pop3.srvonly.test"))
    }

    @Test("a resolver that cannot answer: srv and mx fail, the lookup goes on")
    func failures() async throws {
        let query = try MailQuery(parsing: "alice@nowhere.test")
        let context = Self.context(FailingDNSResolver())
        let srv = await SRVSource().lookUp(query, in: context)
        #expect(srv.status == .failed && srv.finding == nil)
        let mx = await MXSource().lookUp(query, in: context)
        #expect(mx.status == .failed)
        #expect(mx.detail.contains("nowhere.test"))
        let nothing = await SRVSource().lookUp(query, in: Self.context(StubDNSResolver()))
        #expect(nothing.status == .empty, "\(nothing.detail)")
    }

    @Test("--dns-server is checked: one line, exit 64")
    func invalidServer() throws {
        for bad in ["not an address", "127.0.0.1:99999", "[::1"] {
            let run = try CommandLineTool.run(["alice@example.test", "--dns-server", bad])
            #expect(run.status == 64, "\(bad): \(run.stderr)")
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.split(separator: "\n").count == 1, "\(bad): \(run.stderr)")
        }
    }
}

/// A DNS resolver whose every query times out at once.
struct FailingDNSResolver: DNSResolving {
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        throw DNSResolveError(.timedOut, subject: "\(name) \(type)", reason: "no answer (test)")
    }
}
