import Foundation
import MailSettings
import NIOCore
import Testing

@testable import MailAutoconfig

/// The whole resolver, the prober and the diagnoser against servers that misbehave on purpose
/// (issue 8, point 4): an HTTP server sending one byte a second, an endless chunked body, an
/// endless header section, redirects without end (HTTP and Autodiscover), a DNS server flooding
/// wrong-ID answers, TLS servers that never finish the handshake, a POP3 server whose greeting
/// never ends.
///
/// Every case checks three things: the answer comes on time (within its deadline and a generous
/// margin against hangs, never a tighter bound); the well-behaved sources' candidates are still
/// there while the hostile source is reported with a one-line cause that names the limit; and the
/// limit held on the wire, as the hostile server saw it (bytes, hops, queries, connections closed
/// once the call returned).
///
/// The hostile servers run in this process (`World/HostileServers.swift`) on 127.0.0.20–25;
/// dnsmasq (``DNSWorld``) gives the good records and the hosts' addresses, except where the DNS
/// server is itself the hostile one. Only loopback is contacted, and never through the system's
/// resolver. The cases use different addresses and run in parallel.
@Suite("Hostile servers: limits and deadlines hold, and the answer still comes on time")
struct HostileServerTests {
    /// The margin over a deadline before a late answer counts as a hang.
    static let margin = Duration.seconds(2)
    /// The resolver's deadline in the cases where a hostile source stalls.
    static let deadline = Duration.seconds(2)
    /// The HTTP client's default body cap (``HTTPRequest/maximumBodyBytes``).
    static let bodyCap = 1 << 20

    static let needsWorld: Comment = "needs dnsmasq and openssl (Scripts/test.sh installs them)"
    static var canRunWithDNS: Bool { DNSWorld.canRun && Hostile.canMakeCertificates }

    // MARK: Helpers

    /// A resolver whose DNS is dnsmasq (for every name: SRV, MX and the hosts of the URLs),
    /// trusting the hostile CA, with `moves` as its `--connect-to` entries.
    static func resolver(dns: DNSServer, caPEM: String, moves: [AddressMapping.ConnectTo]) throws -> AutoconfigResolver {
        let resolverDNS = NIODNSResolver(servers: [dns], timeout: .seconds(2))
        let http = try NIOHTTPClient(
            additionalTrustRootsPEM: [caPEM], addressMapping: AddressMapping(connectTo: moves), dns: resolverDNS)
        return try AutoconfigResolver(http: http, dns: resolverDNS, prober: NIOServerProber(dns: resolverDNS))
    }

    /// Options with the deadline, and an ISPDB inside the test domain (never the real one).
    static func options(_ domain: String, timeout: Duration = deadline) -> ResolverOptions {
        ResolverOptions(timeout: timeout, ispdbBaseURL: "https://ispdb.\(domain)/v1.1/")
    }

    /// Resolves `input` and measures how long the answer took; with `HOSTILE_DEBUG` set in the
    /// environment, prints every source's report.
    static func resolve(_ resolver: AutoconfigResolver, _ input: String, _ options: ResolverOptions) async throws -> (LookupResult, Duration) {
        let query = try MailQuery(parsing: input)
        let clock = ContinuousClock()
        let start = clock.now
        let result = await resolver.resolve(query, input: input, options: options)
        if ProcessInfo.processInfo.environment["HOSTILE_DEBUG"] != nil {
            print("\(input) in \(clock.now - start):\n" + result.sources.map { "  \($0.id) \($0.status) \($0.ms) ms: \($0.detail)" }.joined(separator: "\n"))
        }
        return (result, clock.now - start)
    }

    static func report(_ result: LookupResult, _ id: SourceID) throws -> SourceReport {
        try #require(result.sources.first { $0.id == id }, "no report for \(id)")
    }

    /// Whether a source's detail says it ran out of time at the deadline. Two clocks watch the
    /// same instant and either may speak first: the resolver's ("timed out: no answer within
    /// 2 s") or the HTTP client's ("URL: no complete answer within 1.998 s; the server is slow
    /// or stalled").
    static func saysDeadline(_ detail: String, _ deadline: Duration = deadline) -> Bool {
        detail == "timed out: no answer within \(Int(deadline / .seconds(1))) s"
            || (detail.contains(": no complete answer within ") && detail.hasSuffix("; the server is slow or stalled"))
    }

    /// Whether the result lists this server among the candidates.
    static func lists(_ result: LookupResult, _ host: String, _ port: Int, _ security: ConnectionSecurity) -> Bool {
        (result.incoming + result.outgoing).contains {
            $0.settings.hostname == host && $0.settings.port == port && $0.settings.security == security
        }
    }

    static func allHostnames(_ result: LookupResult) -> [String] {
        (result.incoming + result.outgoing).map(\.settings.hostname)
    }

    /// dnsmasq lines for a test domain: its hosts at `address`, and SRV records for a POP3
    /// server on 995 and a submission server on 465 (the good source).
    static func records(_ domain: String, address: String, hosts: [String]) -> [String] {
        ["local=/\(domain)/"] + hosts.map { "host-record=\($0),\(address)" } + [
            "srv-host=_pop3s._tcp.\(domain),pop.\(domain),995,0,1",
            "srv-host=_submissions._tcp.\(domain),smtp.\(domain),465,0,1",
        ]
    }

    /// A valid autoconfig file naming `pop`/`smtp`.
    static func config(_ domain: String, pop: String, smtp: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="\(domain)">
            <domain>\(domain)</domain>
            <incomingServer type="pop3"><hostname>\(pop)</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>\(smtp)</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
        </clientConfig>

        """
    }

    /// Whether the server's written-byte count stays still for a while (nobody reads any more).
    static func stopsGrowing(_ ledger: HostileLedger) async -> Bool {
        let before = ledger.snapshot.bytesWritten
        try? await Task.sleep(for: .milliseconds(300))
        return ledger.snapshot.bytesWritten == before
    }

    // MARK: 1. One byte a second

    @Test(
        "1 byte a second: every HTTP source it serves times out at the deadline; SRV's answer comes on time",
        .enabled(if: canRunWithDNS, needsWorld))
    func oneByteASecond() async throws {
        let (caPEM, tls) = try Hostile.certificates()
        let domain = "trickle.test"
        // A valid file, which would take minutes to arrive: its servers must never show up.
        let answer = HostileReply.wire(
            status: 200, headers: [("Content-Type", "application/xml")],
            body: Self.config(domain, pop: "pop.slowpoke.test", smtp: "smtp.slowpoke.test"))
        let secure = try await HostileServer(.http { _, _ in .trickle(answer) }, address: "127.0.0.20", tls: tls)
        defer { secure.stop() }
        let plain = try await HostileServer(.http { _, _ in .trickle(answer) }, address: "127.0.0.20")
        defer { plain.stop() }
        let dns = try await DNSWorld.start(extraRecords: Self.records(domain, address: "127.0.0.20", hosts: ["autoconfig.\(domain)", domain]))
        defer { dns.stop() }
        var moves: [AddressMapping.ConnectTo] = []
        for host in ["autoconfig.\(domain)", domain] {
            moves.append(.init(host: host, port: 443, targetHost: host, targetPort: secure.port))
            moves.append(.init(host: host, port: 80, targetHost: host, targetPort: plain.port))
        }
        let resolver = try Self.resolver(dns: dns.server, caPEM: caPEM, moves: moves)

        let (result, elapsed) = try await Self.resolve(resolver, "alice@\(domain)", Self.options(domain))

        // (a) On time.
        #expect(elapsed <= Self.deadline + Self.margin, "answered after \(elapsed)")
        // (b) The trickled sources failed at the deadline; SRV's servers are there.
        for id in [SourceID.autoconfigHTTPS, .wellKnownHTTPS, .autoconfigHTTP, .wellKnownHTTP, .autodiscover] {
            let report = try Self.report(result, id)
            #expect(report.status == .failed, "\(id): \(report.status) \(report.detail)")
            #expect(Self.saysDeadline(report.detail), "\(id): \(report.detail)")
        }
        #expect(try Self.report(result, .srv).status == .found)
        #expect(Self.lists(result, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(result, "smtp.\(domain)", 465, .tls))
        #expect(!Self.allHostnames(result).contains { $0.hasSuffix("slowpoke.test") })
        // (c) Both servers were reached, trickled about a byte a second per connection (one more
        // allowed for the close to reach them), never finished, and saw every connection closed
        // once the answer was given.
        let seconds = Int(elapsed / .seconds(1)) + 2
        for server in [secure, plain] {
            let seen = server.ledger.snapshot
            #expect(!seen.requests.isEmpty)
            #expect(seen.bytesWritten <= seen.accepted * seconds, "\(seen.bytesWritten) bytes on \(seen.accepted) connections")
            #expect(await server.ledger.allConnectionsClosed(), "\(server.ledger.snapshot.open) connections left open")
        }
        let paths = secure.ledger.snapshot.requests.map { "\($0.method) \($0.host)" }
        #expect(Set(paths) == ["GET autoconfig.\(domain)", "GET \(domain)", "POST \(domain)"], "\(paths)")
    }

    // MARK: 2. Endless body, endless headers

    @Test(
        "an endless chunked body stops at the 1 MiB cap, endless headers at the parser's limit; SRV's answer comes early",
        .enabled(if: canRunWithDNS, needsWorld))
    func endlessBodyAndHeaders() async throws {
        let (caPEM, tls) = try Hostile.certificates()
        let domain = "chunked.test"
        let body = try await HostileServer(.http { _, _ in .endlessChunkedBody }, address: "127.0.0.21", tls: tls)
        defer { body.stop() }
        let headers = try await HostileServer(.http { _, _ in .endlessHeaders }, address: "127.0.0.21", tls: tls)
        defer { headers.stop() }
        let dns = try await DNSWorld.start(extraRecords: Self.records(domain, address: "127.0.0.21", hosts: ["autoconfig.\(domain)", domain]))
        defer { dns.stop() }
        let resolver = try Self.resolver(dns: dns.server, caPEM: caPEM, moves: [
            .init(host: "autoconfig.\(domain)", port: 443, targetHost: "autoconfig.\(domain)", targetPort: body.port),
            .init(host: domain, port: 443, targetHost: domain, targetPort: headers.port),
        ])
        // A longer deadline, to show the answer does not wait for it.
        let deadline = Duration.seconds(5)

        let (result, elapsed) = try await Self.resolve(resolver, "alice@\(domain)", Self.options(domain, timeout: deadline))

        #expect(elapsed <= deadline + Self.margin, "answered after \(elapsed)")
        let capped = try Self.report(result, .autoconfigHTTPS)
        #expect(capped.status == .failed)
        #expect(
            capped.detail == "https://autoconfig.\(domain)/mail/config-v1.1.xml?emailaddress=alice%40\(domain): body larger than \(Self.bodyCap) bytes; stopped reading (raise maximumBodyBytes if the file is really that large)",
            "\(capped.detail)")
        #expect(capped.ms < Int(deadline / .milliseconds(1)), "the cap ended it, not the deadline")
        for id in [SourceID.wellKnownHTTPS, .autodiscover] {
            let report = try Self.report(result, id)
            #expect(report.status == .failed, "\(id): \(report.detail)")
            #expect(report.detail.hasSuffix(": malformed answer: not valid HTTP/1.1 (too many header bytes seen; overflow detected)"), "\(id): \(report.detail)")
        }
        #expect(try Self.report(result, .srv).status == .found)
        #expect(Self.lists(result, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(result, "smtp.\(domain)", 465, .tls))

        // The body went past the cap, and the client stopped soon after it: what the server got
        // out is the cap plus what the sockets buffer, not seconds of loopback speed.
        let sent = body.ledger.snapshot.bytesWritten
        #expect(sent > Self.bodyCap)
        #expect(sent < Self.bodyCap + (32 << 20), "the server got \(sent >> 20) MiB out")
        let headerBytes = headers.ledger.snapshot.bytesWritten
        #expect(headerBytes > 80 << 10)
        #expect(headerBytes < 32 << 20, "the server got \(headerBytes >> 20) MiB of headers out")
        for server in [body, headers] {
            // The servers never end on their own: every close was ours.
            #expect(await server.ledger.allConnectionsClosed(), "\(server.ledger.snapshot.open) connections left open")
            #expect(await Self.stopsGrowing(server.ledger))
        }
    }

    // MARK: 3. Redirects without end

    @Test(
        "redirects without end stop at 5 HTTP hops (same host or a new host each time) and 10 Autodiscover hops",
        .enabled(if: canRunWithDNS, needsWorld))
    func redirectChains() async throws {
        let (caPEM, tls) = try Hostile.certificates()
        let domain = "redirect.test"
        let server = try await HostileServer(.http { request, _ in
            let path = request.path
            let number = Int(path.split(separator: "/").last.flatMap { $0.split(separator: ".").first }.map(String.init) ?? "") ?? 0
            let host = request.host
            if host == "autoconfig.\(domain)" {
                // The same host, a new path every time.
                return .redirect(path.hasPrefix("/loop/") ? "/loop/\(number + 1)" : "/loop/1")
            }
            if (host == domain && request.method == "GET") || host.hasPrefix("hop") {
                // A new host every time.
                let next = path.hasPrefix("/hop/") ? number + 1 : 1
                return .redirect("https://hop\(next).\(domain)/hop/\(next)", status: 301)
            }
            if host == "autodiscover.\(domain)" || host.hasPrefix("ad") {
                let next = path.hasPrefix("/autodiscover/autodiscover") ? 1 : number + 1
                return .complete(status: 200, headers: [("Content-Type", "text/xml")], body: """
                    <?xml version="1.0" encoding="utf-8"?>
                    <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
                      <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                        <Account><Action>redirectUrl</Action><RedirectUrl>https://ad\(next).\(domain)/autodiscover/\(next).xml</RedirectUrl></Account>
                      </Response>
                    </Autodiscover>
                    """)
            }
            return .complete(status: 404, headers: [], body: "")
        }, address: "127.0.0.22", tls: tls)
        defer { server.stop() }
        // Every name under the domain is at 127.0.0.22: the hops' new hosts resolve too.
        let dns = try await DNSWorld.start(extraRecords: [
            "local=/\(domain)/",
            "address=/\(domain)/127.0.0.22",
            "srv-host=_pop3s._tcp.\(domain),pop.\(domain),995,0,1",
            "srv-host=_submissions._tcp.\(domain),smtp.\(domain),465,0,1",
        ])
        defer { dns.stop() }
        // Any host's port 443 goes to the server's port; the name still goes through dnsmasq.
        let resolver = try Self.resolver(dns: dns.server, caPEM: caPEM, moves: [.init(host: "", port: 443, targetHost: "", targetPort: server.port)])

        let (result, elapsed) = try await Self.resolve(resolver, "alice@\(domain)", Self.options(domain))

        #expect(elapsed <= Self.deadline + Self.margin, "answered after \(elapsed)")
        let loop = try Self.report(result, .autoconfigHTTPS)
        #expect(loop.status == .failed)
        #expect(loop.detail == "https://autoconfig.\(domain)/loop/5: more than 5 redirects; the server may be in a redirect loop", "\(loop.detail)")
        let hops = try Self.report(result, .wellKnownHTTPS)
        #expect(hops.status == .failed)
        #expect(hops.detail == "https://hop5.\(domain)/hop/5: more than 5 redirects; the server may be in a redirect loop", "\(hops.detail)")
        let autodiscover = try Self.report(result, .autodiscover)
        #expect(autodiscover.status == .failed)
        #expect(autodiscover.detail == "more than \(AutodiscoverSource.maximumRedirects) Autodiscover redirects", "\(autodiscover.detail)")
        #expect(try Self.report(result, .srv).status == .found)
        #expect(Self.lists(result, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(result, "smtp.\(domain)", 465, .tls))

        // The hops the server saw: the first request and 5 redirects followed, per chain; the
        // first POST and 10 Autodiscover redirects followed.
        let requests = server.ledger.snapshot.requests
        #expect(requests.filter { $0.host == "autoconfig.\(domain)" }.count == 6)
        let newHosts = requests.filter { ($0.host == domain && $0.method == "GET") || $0.host.hasPrefix("hop") }
        #expect(newHosts.count == 6, "\(newHosts)")
        #expect(Set(newHosts.map(\.host)).count == 6)
        let posts = requests.filter { $0.method == "POST" && ($0.host == "autodiscover.\(domain)" || $0.host.hasPrefix("ad")) }
        #expect(posts.count == AutodiscoverSource.maximumRedirects + 1, "\(posts.map(\.host))")
        #expect(await server.ledger.allConnectionsClosed(), "\(server.ledger.snapshot.open) connections left open")
    }

    // MARK: 4. A DNS server flooding wrong-ID answers

    @Test("200 wrong-ID answers before each real one: every forgery is dropped, the real answers are used")
    func floodThenTheRealAnswer() async throws {
        let domain = "flood.test"
        let flood = try await FloodingDNSServer(address: "127.0.0.23", forgedPerQuery: 200, records: [
            "_pop3s._tcp.\(domain) SRV": [.srv(priority: 0, weight: 1, port: 995, target: "pop.\(domain)")],
            "_submissions._tcp.\(domain) SRV": [.srv(priority: 0, weight: 1, port: 465, target: "smtp.\(domain)")],
        ])
        defer { flood.stop() }
        let dns = NIODNSResolver(servers: [flood.server], timeout: .seconds(1), attempts: 2)
        let resolver = try AutoconfigResolver(http: NIOHTTPClient(dns: dns), dns: dns, prober: NIOServerProber(dns: dns))
        let deadline = Duration.seconds(3)

        let (result, elapsed) = try await Self.resolve(resolver, "alice@\(domain)", Self.options(domain, timeout: deadline))

        #expect(elapsed <= deadline + Self.margin, "answered after \(elapsed)")
        let srv = try Self.report(result, .srv)
        #expect(srv.status == .found, "\(srv.detail)")
        #expect(Self.lists(result, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(result, "smtp.\(domain)", 465, .tls))
        // No forged record made it in: no candidate at evil.flood.test, and the HTTP sources were
        // told NXDOMAIN (the real answer), not sent to the forged 127.0.0.66.
        #expect(!Self.allHostnames(result).contains("evil.\(domain)"))
        for id in [SourceID.autoconfigHTTPS, .wellKnownHTTPS, .autoconfigHTTP, .wellKnownHTTP] {
            let report = try Self.report(result, id)
            #expect(report.status == .empty && report.detail.contains("NXDOMAIN"), "\(id): \(report.detail)")
        }
        // Every query got its flood, then its real answer (the last ones may still be on their way).
        try await Task.sleep(for: .milliseconds(300))
        let seen = flood.snapshot
        #expect(seen.questions.contains("_pop3s._tcp.\(domain) SRV"))
        #expect(seen.forged == 200 * seen.queries)
        #expect(seen.real == seen.queries)
        #expect(try await Self.pendingQueries(dns) == 0)
    }

    @Test(
        "a flood and never the real answer: DNS ends at the deadline, bundled and --connect-to answers come on time, nothing spins",
        .enabled(if: Hostile.canMakeCertificates, needsWorld))
    func floodWithoutAnAnswer() async throws {
        let (caPEM, tls) = try Hostile.certificates()
        let domain = "flood.test"
        let flood = try await FloodingDNSServer(address: "127.0.0.23", forgedPerQuery: 100, records: nil)
        defer { flood.stop() }
        // A well-behaved autoconfig server, reached through --connect-to: no DNS needed.
        let good = try await HostileServer(.http { request, _ in
            request.host == "autoconfig.\(domain)"
                ? .complete(status: 200, headers: [("Content-Type", "application/xml")], body: Self.config(domain, pop: "pop.\(domain)", smtp: "smtp.\(domain)"))
                : .complete(status: 404, headers: [], body: "")
        }, address: "127.0.0.23", tls: tls)
        defer { good.stop() }
        // DNS tries that outlast the deadline: only the deadline ends them.
        let dns = NIODNSResolver(servers: [flood.server], timeout: .seconds(5), attempts: 2)
        let http = try NIOHTTPClient(
            additionalTrustRootsPEM: [caPEM],
            addressMapping: AddressMapping(connectTo: [.init(host: "autoconfig.\(domain)", port: 443, targetHost: "127.0.0.23", targetPort: good.port)]),
            dns: dns)
        let resolver = try AutoconfigResolver(http: http, dns: dns, prober: NIOServerProber(dns: dns))

        async let bundled = Self.resolve(resolver, "alice@gmail.com", Self.options(domain))
        async let mapped = Self.resolve(resolver, "bob@\(domain)", Self.options(domain))
        let (gmail, gmailElapsed) = try await bundled
        let (flooded, floodedElapsed) = try await mapped

        #expect(gmailElapsed <= Self.deadline + Self.margin, "answered after \(gmailElapsed)")
        #expect(floodedElapsed <= Self.deadline + Self.margin, "answered after \(floodedElapsed)")
        // The bundled knowledge answers for gmail.com; the DNS sources ended at the deadline.
        #expect(gmail.provider?.id == "gmail")
        #expect(Self.lists(gmail, "pop.gmail.com", 995, .tls))
        #expect(try Self.report(gmail, .bundled).status == .found)
        // (the mx source does not ask about gmail.com: the knowledge base knows it.)
        for (result, ids) in [(gmail, [SourceID.srv]), (flooded, [.srv, .mx])] {
            for id in ids {
                let report = try Self.report(result, id)
                #expect(report.status == .failed && report.detail == "timed out: no answer within 2 s", "\(id): \(report.detail)")
            }
            #expect(!Self.allHostnames(result).contains("evil.\(domain)"))
        }
        // The file reached through --connect-to answers for flood.test.
        let autoconfig = try Self.report(flooded, .autoconfigHTTPS)
        #expect(autoconfig.status == .found, "\(autoconfig.detail)")
        #expect(Self.lists(flooded, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(flooded, "smtp.\(domain)", 465, .tls))

        // Every query was flooded, none answered, none is left waiting, and no new query goes
        // out once the calls have returned: the flood made nothing retry or spin.
        let seen = flood.snapshot
        #expect(seen.queries > 0)
        #expect(seen.forged == 100 * seen.queries)
        #expect(seen.real == 0)
        #expect(try await Self.pendingQueries(dns) == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(flood.snapshot.queries == seen.queries)
        #expect(await good.ledger.allConnectionsClosed())
    }

    /// The queries still in flight on the resolver's UDP sockets.
    static func pendingQueries(_ dns: NIODNSResolver) async throws -> Int {
        var total = 0
        for connection in dns.udpPool.openConnections() {
            total += try await connection.pendingCount().get()
        }
        return total
    }

    // MARK: 5. TLS handshakes that never finish

    @Test(
        "TLS servers that never finish the handshake: HTTPS sources fail at the deadline, a probe of 995 at its timeout",
        .enabled(if: canRunWithDNS, needsWorld))
    func handshakesThatNeverFinish() async throws {
        let (caPEM, _) = try Hostile.certificates()
        let domain = "tlsstall.test"
        let silent = try await HostileServer(.tlsStall(partialServerHello: false), address: "127.0.0.24")
        defer { silent.stop() }
        let partial = try await HostileServer(.tlsStall(partialServerHello: true), address: "127.0.0.24")
        defer { partial.stop() }
        let dns = try await DNSWorld.start(extraRecords: Self.records(domain, address: "127.0.0.24", hosts: ["autoconfig.\(domain)", domain]))
        defer { dns.stop() }
        let moves: [AddressMapping.ConnectTo] = [
            .init(host: "autoconfig.\(domain)", port: 443, targetHost: "autoconfig.\(domain)", targetPort: silent.port),
            .init(host: domain, port: 443, targetHost: domain, targetPort: partial.port),
            .init(host: "pop.\(domain)", port: 995, targetHost: "127.0.0.24", targetPort: silent.port),
            .init(host: "pop2.\(domain)", port: 995, targetHost: "127.0.0.24", targetPort: partial.port),
        ]
        let resolver = try Self.resolver(dns: dns.server, caPEM: caPEM, moves: moves)
        let resolverDNS = NIODNSResolver(servers: [dns.server], timeout: .seconds(2))
        // A short greeting time: it must not be what ends a handshake that stalls.
        let prober = try NIOServerProber(
            additionalTrustRootsPEM: [caPEM], addressMapping: AddressMapping(connectTo: moves), dns: resolverDNS,
            greetingTimeout: .milliseconds(500))
        let probeTimeout = Duration.milliseconds(1500)
        let diagnoser = MailDiagnoser(resolver: resolver, prober: prober, probeTimeout: probeTimeout)
        let current = ServerSettings(protocol: .pop3, hostname: "pop.\(domain)", port: 995, security: .tls, username: "alice@\(domain)")
        let clock = ContinuousClock()
        let start = clock.now

        async let diagnosis = diagnoser.diagnose(
            try MailQuery(parsing: "alice@\(domain)"), input: "alice@\(domain)", current: current, credentials: nil,
            options: Self.options(domain))
        async let partialProbe = prober.probe(ProbeTarget(
            server: ServerSettings(protocol: .pop3, hostname: "pop2.\(domain)", port: 995, security: .tls, username: ""),
            timeout: probeTimeout))
        let probed = await partialProbe
        let probeElapsed = clock.now - start
        let report = try await diagnosis
        let elapsed = clock.now - start

        // (a) The lookup at its deadline, then the probes at theirs.
        #expect(elapsed <= Self.deadline + probeTimeout + Self.margin, "diagnosed after \(elapsed)")
        #expect(probeElapsed <= probeTimeout + Self.margin, "probed after \(probeElapsed)")
        // (b) The lookup: HTTPS sources failed at the deadline, SRV's servers are there.
        let lookup = report.lookup
        for id in [SourceID.autoconfigHTTPS, .wellKnownHTTPS, .autodiscover] {
            let source = try Self.report(lookup, id)
            #expect(source.status == .failed, "\(id): \(source.status) \(source.detail)")
            #expect(Self.saysDeadline(source.detail), "\(id): \(source.detail)")
        }
        #expect(Self.lists(lookup, "pop.\(domain)", 995, .tls))
        #expect(Self.lists(lookup, "smtp.\(domain)", 465, .tls))
        // The probes: the handshake did not finish in time, said as such.
        let incoming = try #require(report.checks.first { $0.role == .incoming })
        for observation in [incoming.observation, probed] {
            #expect(observation.problem == .timedOut(step: .tls), "\(String(describing: observation.problem))")
            let step = try #require(observation.steps.last)
            #expect(step.kind == .tls && !step.passed)
            #expect(step.detail == "the TLS handshake did not finish in time")
            let verdict = DiagnosisRules.verdict(for: observation, language: .english)
            #expect(verdict.id == "timed-out")
            #expect(verdict.cause == "The server stopped answering during the tls step.", "\(verdict.cause)")
        }
        #expect(incoming.verdict.id == "timed-out")

        // (c) Each server read a ClientHello (a TLS handshake record), the silent one never wrote,
        // the other wrote its 11 bytes per connection and no more; every connection was closed.
        for server in [silent, partial] {
            let seen = server.ledger.snapshot
            #expect(seen.firstBytes.first == 0x16, "\(seen.firstBytes)")
            #expect(seen.accepted >= 2, "the lookup and the probe both connected")
            #expect(await server.ledger.allConnectionsClosed(), "\(server.ledger.snapshot.open) connections left open")
        }
        #expect(silent.ledger.snapshot.bytesWritten == 0)
        let partialSeen = partial.ledger.snapshot
        #expect(partialSeen.bytesWritten == partialSeen.accepted * 11)
    }

    // MARK: 6. A POP3 greeting that never ends

    @Test("a POP3 greeting without a line end, plain (110) and TLS (995): line too long, at once, connection closed")
    func endlessGreeting() async throws {
        let certificates = Hostile.canMakeCertificates ? try Hostile.certificates() : nil
        let plain = try await HostileServer(.endlessLine(prefix: "+OK "), address: "127.0.0.25")
        defer { plain.stop() }
        var moves: [AddressMapping.ConnectTo] = [.init(host: "pop.endless.test", port: 110, targetHost: "127.0.0.25", targetPort: plain.port)]
        var servers = [(plain, ConnectionSecurity.plain, 110)]
        var secure: HostileServer?
        if let (_, tls) = certificates {
            secure = try await HostileServer(.endlessLine(prefix: "+OK "), address: "127.0.0.25", tls: tls)
        }
        defer { secure?.stop() }
        if let secure {
            moves.append(.init(host: "pop.endless.test", port: 995, targetHost: "127.0.0.25", targetPort: secure.port))
            servers.append((secure, .tls, 995))
        }
        let prober = try NIOServerProber(
            additionalTrustRootsPEM: certificates.map { [$0.caPEM] } ?? [], addressMapping: AddressMapping(connectTo: moves),
            dns: StubDNSResolver())
        let timeout = Duration.seconds(5)
        // The prober's line limit: LineFramer's default.
        let limit = LineFramer().maximumLineBytes
        let clock = ContinuousClock()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (server, security, port) in servers {
                group.addTask {
                    let start = clock.now
                    let observation = await prober.probe(ProbeTarget(
                        server: ServerSettings(protocol: .pop3, hostname: "pop.endless.test", port: port, security: security, username: ""),
                        timeout: timeout))
                    let elapsed = clock.now - start
                    // Ended by the line limit, not by the probe's timeout.
                    #expect(elapsed < timeout, "\(port): probed for \(elapsed)")
                    guard case .session(let failure)? = observation.problem else {
                        Issue.record("\(port): expected lineTooLong, got \(String(describing: observation.problem))")
                        return
                    }
                    #expect(failure.kind == .lineTooLong)
                    let step = try #require(observation.steps.last)
                    #expect(step.kind == .greeting && !step.passed)
                    #expect(
                        step.detail == "the server sent a line of more than \(limit) bytes (\(limit + 1) so far); it is not speaking a mail protocol as expected",
                        "\(port): \(step.detail)")
                    let verdict = DiagnosisRules.verdict(for: observation, language: .english)
                    #expect(verdict.id == "protocol-error")
                    #expect(verdict.cause.contains("a line longer than any POP3 reply"), "\(verdict.cause)")
                    #expect(!verdict.cause.contains("lineTooLong"), "no internal names for people: \(verdict.cause)")
                    let spanish = DiagnosisRules.verdict(for: observation, language: .spanish)
                    #expect(spanish.cause.contains("una línea más larga"), "\(spanish.cause)")
                    // The server got past the limit, the client stopped reading soon after and
                    // closed: the bytes out are the limit plus socket buffers, and then stay still.
                    #expect(await server.ledger.allConnectionsClosed(), "\(port): connection left open")
                    let sent = server.ledger.snapshot.bytesWritten
                    #expect(sent > limit)
                    #expect(sent < 32 << 20, "\(port): the server got \(sent >> 20) MiB out")
                    #expect(await Self.stopsGrowing(server.ledger))
                }
            }
            try await group.waitForAll()
        }
    }
}
