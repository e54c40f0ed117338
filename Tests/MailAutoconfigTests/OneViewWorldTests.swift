import Foundation
import Logging
import MailSettings
import Synchronization
import Testing

@testable import MailAutoconfig

/// One view of the world: with a DNS server given, the HTTP sources find their hosts through it
/// too (A and AAAA, Happy Eyeballs), the `mx` source asks the mail host's own domains, and a
/// Unicode domain goes out in punycode. dnsmasq knows every name; nginx serves on 127.0.0.7.
/// No `--connect-to` sends a name anywhere: at most a port is moved when 443 or 80 was taken.
@Suite(
    "One view of the world: dnsmasq for every name, nginx behind them",
    .serialized,
    .enabled(if: World.canRun && DNSWorld.canRun, "needs nginx, openssl and dnsmasq (Scripts/test.sh installs them)")
)
struct OneViewWorldTests {
    static let address = "127.0.0.7"
    /// `correo-ñandú.test`, the Unicode domain of the IDN test.
    static let unicodeDomain = "correo-ñandú.test"
    static var punycodeDomain: String { (try? DomainName(unicodeDomain).ascii) ?? "" }

    static var records: [String] {
        let idn = punycodeDomain
        return [
            // view.test: autoconfig over IPv6 (nothing listens: refused) and IPv4 (nginx).
            "local=/view.test/",
            "host-record=autoconfig.view.test,\(address),::1",
            "host-record=view.test,\(address)",
            "host-record=ispdb.view.test,\(address)",
            "host-record=v6only.view.test,::1",
            "cname=alias.view.test,autoconfig.view.test",
            // customer.test: mail at mx1.mail.hoster.test, whose registered domain publishes autoconfig.
            "local=/customer.test/",
            "mx-host=customer.test,mx1.mail.hoster.test,10",
            "local=/hoster.test/",
            "host-record=autoconfig.hoster.test,\(address)",
            // customer2.test: mail at mx.mail.hoster2.test; the ISPDB knows mail.hoster2.test.
            "local=/customer2.test/",
            "mx-host=customer2.test,mx.mail.hoster2.test,10",
            "local=/hoster2.test/",
            // The Unicode domain: SRV and autoconfig, in punycode.
            "local=/\(idn)/",
            "host-record=autoconfig.\(idn),\(address)",
            "srv-host=_pop3s._tcp.\(idn),pop.\(idn),995,0,1",
            "srv-host=_submission._tcp.\(idn),smtp.\(idn),587,0,1",
        ]
    }

    static func config(id: String, pop: String, smtp: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="\(id)">
            <domain>\(id)</domain>
            <incomingServer type="pop3"><hostname>\(pop)</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>\(smtp)</hostname><port>587</port><socketType>STARTTLS</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
        </clientConfig>

        """
    }

    static func start() async throws -> (World, DNSWorld) {
        var options = World.Options()
        options.address = address
        options.hostNames = [
            "autoconfig.view.test", "view.test", "ispdb.view.test", "autoconfig.hoster.test", "autoconfig.\(punycodeDomain)",
        ]
        options.mismatchedHostName = "wrong.view.test"
        options.locations = [.contentType(path: "/v1.1/mail.hoster2.test", type: "text/xml")]
        let world = try await World.start(options)
        let dns: DNSWorld
        do {
            dns = try await DNSWorld.start(extraRecords: records)
        } catch {
            world.stop()
            throw error
        }
        try world.write("autoconfig.view.test", "/mail/config-v1.1.xml", config(id: "view.test", pop: "pop.view.test", smtp: "smtp.view.test"))
        try world.write(
            "autoconfig.hoster.test", "/mail/config-v1.1.xml",
            config(id: "hoster.test", pop: "pop.hoster.test", smtp: "smtp.hoster.test"))
        try world.write(
            "ispdb.view.test", "/v1.1/mail.hoster2.test",
            config(id: "mail.hoster2.test", pop: "pop.mail.hoster2.test", smtp: "smtp.mail.hoster2.test"))
        try world.write(
            "autoconfig.\(punycodeDomain)", "/mail/config-v1.1.xml",
            config(id: punycodeDomain, pop: "pop.\(punycodeDomain)", smtp: "smtp.\(punycodeDomain)"))
        return (world, dns)
    }

    /// Moves only ports, never names, when nginx could not have 443 and 80: the name still goes
    /// through DNS.
    static func portMoves(_ world: World) -> [AddressMapping.ConnectTo] {
        var moves: [AddressMapping.ConnectTo] = []
        for name in world.options.hostNames {
            if world.httpsPort != 443 { moves.append(.init(host: name, port: 443, targetHost: name, targetPort: world.httpsPort)) }
            if world.httpPort != 80 { moves.append(.init(host: name, port: 80, targetHost: name, targetPort: world.httpPort)) }
        }
        return moves
    }

    static func client(_ world: World, _ dns: DNSWorld) throws -> NIOHTTPClient {
        try NIOHTTPClient(
            additionalTrustRootsPEM: [world.caPEM],
            addressMapping: AddressMapping(connectTo: portMoves(world)),
            dns: NIODNSResolver(servers: [dns.server], timeout: .seconds(2)))
    }

    @Test("a name with AAAA (refused) and A (nginx) is fetched through the DNS server; an alias too")
    func happyEyeballs() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let client = try Self.client(world, dns)
        let url = "https://autoconfig.view.test/mail/config-v1.1.xml"
        let response = try await client.fetch(try HTTPRequest(url: url, timeout: .seconds(10)))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains("pop.view.test"))

        // Through an alias (CNAME) to the same addresses; TLS still checks the URL's name.
        var aliased = client
        aliased.addressMapping = AddressMapping(connectTo: [
            .init(host: "autoconfig.view.test", port: 443, targetHost: "alias.view.test", targetPort: world.httpsPort)
        ])
        let viaAlias = try await aliased.fetch(try HTTPRequest(url: url, timeout: .seconds(10)))
        #expect(String(decoding: viaAlias.body, as: UTF8.self).contains("pop.view.test"))
    }

    @Test("an IPv6-only name is tried on its AAAA address; an unknown name says NXDOMAIN and which server")
    func failuresNameTheCause() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let client = try Self.client(world, dns)
        do {
            _ = try await client.fetch(try HTTPRequest(url: "https://v6only.view.test:\(world.httpsPort)/", timeout: .seconds(10)))
            Issue.record("v6only.view.test answered, but nothing listens on [::1]")
        } catch {
            #expect(error.code == .connectionRefused, "\(error)")
            #expect(error.description.contains("[::1]:\(world.httpsPort)"), "\(error)")
        }
        do {
            _ = try await client.fetch(try HTTPRequest(url: "https://missing.view.test/", timeout: .seconds(10)))
            Issue.record("missing.view.test answered")
        } catch {
            #expect(error.code == .dnsFailure, "\(error)")
            #expect(error.description.contains("NXDOMAIN"), "\(error)")
            #expect(error.description.contains(dns.server.description), "\(error)")
        }
    }

    @Test("the CLI with --dns-server alone finds the domain's autoconfig file: no --resolve, no name moved")
    func commandLine() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let run = try CommandLineTool.run(Self.arguments("alice@view.test", world: world, dns: dns) + ["--json", "--wait-all"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: sources.compactMap { source in
            (source["id"] as? String).map { ($0, source["status"] as? String ?? "") }
        })
        #expect(status["autoconfig-https"] == "found", "\(sources)")
        #expect(status["autoconfig-http"] == "found", "\(sources)")
        // autodiscover.view.test does not exist: nothing there, not a failure.
        #expect(status["autodiscover"] == "empty", "\(sources)")
        let first = try #require((json["incoming"] as? [[String: Any]])?.first)
        #expect(first["hostname"] as? String == "pop.view.test")
        #expect(first["trusted"] as? Bool == true)
    }

    @Test("mx: no hosting pattern, so the mail host's registered domain publishes the settings")
    func mxHosterAutoconfig() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let run = try CommandLineTool.run(Self.arguments("alice@customer.test", world: world, dns: dns) + ["--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        let mx = try #require(sources.first { $0["id"] as? String == "mx" })
        #expect(mx["status"] as? String == "found", "\(mx)")
        let detail = mx["detail"] as? String ?? ""
        // Asked in order: the next subdomain (nothing), then the registered domain (found).
        #expect(detail.contains("https://autoconfig.mail.hoster.test/mail/config-v1.1.xml: empty"), "\(detail)")
        #expect(detail.contains("hoster.test"), "\(detail)")
        let first = try #require((json["incoming"] as? [[String: Any]])?.first)
        #expect(first["hostname"] as? String == "pop.hoster.test")
        #expect(first["username"] as? String == "alice@customer.test")
        #expect(first["sources"] as? [String] == ["mx"])
    }

    @Test("mx: the ISPDB entry of the mail host's next subdomain is found before the registered domain is asked")
    func mxHosterISPDB() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let mapping = AddressMapping(connectTo: Self.portMoves(world))
        let transport = RecordingHTTP(wrapping: try NIOHTTPClient(
            additionalTrustRootsPEM: [world.caPEM], addressMapping: mapping,
            dns: NIODNSResolver(servers: [dns.server], timeout: .seconds(2))))
        let context = SourceContext(
            http: transport, dns: NIODNSResolver(servers: [dns.server], timeout: .seconds(2)),
            options: ResolverOptions(ispdbBaseURL: "https://ispdb.view.test/v1.1/"), knowledgeBase: .bundled,
            deadline: ContinuousClock.now + .seconds(15), logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let outcome = await MXSource().lookUp(try MailQuery(parsing: "bob@customer2.test"), in: context)
        #expect(outcome.status == .found, "\(outcome.detail)")
        #expect(outcome.finding?.servers.first?.hostname == "pop.mail.hoster2.test")
        #expect(outcome.finding?.trusted == true)
        #expect(Set(transport.urls) == [
            "https://autoconfig.mail.hoster2.test/mail/config-v1.1.xml", "https://ispdb.view.test/v1.1/mail.hoster2.test",
        ])
    }

    @Test("a Unicode domain: punycode on the wire (SRV, autoconfig), Unicode for people")
    func internationalizedDomain() async throws {
        let (world, dns) = try await Self.start()
        defer { world.stop(); dns.stop() }
        let address = "usuario@\(Self.unicodeDomain)"
        let run = try CommandLineTool.run(Self.arguments(address, world: world, dns: dns) + ["--json", "--wait-all"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: sources.compactMap { source in
            (source["id"] as? String).map { ($0, source["status"] as? String ?? "") }
        })
        #expect(status["srv"] == "found", "\(sources)")
        #expect(status["autoconfig-https"] == "found", "\(sources)")
        let first = try #require((json["incoming"] as? [[String: Any]])?.first)
        #expect(first["hostname"] as? String == "pop.\(Self.punycodeDomain)")
        #expect(Set(first["sources"] as? [String] ?? []) == ["autoconfig-https", "autoconfig-http", "srv"], "\(first)")

        let human = try CommandLineTool.run(Self.arguments(address, world: world, dns: dns))
        #expect(human.status == 0, "\(human.stderr)")
        #expect(human.stdout.hasPrefix("usuario@\(Self.unicodeDomain)"), "\(human.stdout)")
    }

    /// The CLI's arguments for a lookup through the world: the DNS server, the CA, an ISPDB on the
    /// world, and port moves only.
    static func arguments(_ address: String, world: World, dns: DNSWorld) throws -> [String] {
        let ca = world.folder.appendingPathComponent("one-view-ca.pem")
        try world.caPEM.write(to: ca, atomically: true, encoding: .utf8)
        var arguments = [
            address, "--dns-server", dns.server.description, "--cacert", ca.path,
            "--ispdb-url", "https://ispdb.view.test/v1.1/", "--timeout", "20",
        ]
        for move in portMoves(world) {
            arguments += ["--connect-to", "\(move.host):\(move.port.map(String.init) ?? ""):\(move.targetHost):\(move.targetPort.map(String.init) ?? "")"]
        }
        return arguments
    }
}

/// An HTTP transport that records the URLs it is asked for and passes them on.
final class RecordingHTTP: HTTPFetching, Sendable {
    private let inner: any HTTPFetching
    private let asked = Mutex<[String]>([])

    init(wrapping inner: any HTTPFetching) {
        self.inner = inner
    }

    var urls: [String] { asked.withLock { $0 } }

    func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        asked.withLock { $0.append(request.url.description) }
        return try await inner.fetch(request)
    }
}
