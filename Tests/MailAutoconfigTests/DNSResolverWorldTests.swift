import MailAutoconfig
import MailSettings
import NIOCore
import NIOPosix
import Testing

/// The DNS client against a real dnsmasq on loopback.
@Suite("DNS client against dnsmasq", .enabled(if: DNSWorld.canRun, DNSWorld.skipMessage))
struct DNSResolverWorldTests {
    let dns: DNSWorld
    let resolver: NIODNSResolver

    init() async throws {
        dns = try await DNSWorld.start()
        resolver = NIODNSResolver(servers: [dns.server], timeout: .seconds(2), attempts: 2)
    }

    @Test("A")
    func a() async throws {
        let answer = try await resolver.query("pop.example.test", type: .a)
        #expect(answer.rcode == .noError)
        #expect(answer.records.map(\.data) == [.a(DNSIPv4Address(bytes: [127, 0, 0, 4])!)])
        #expect(answer.server == dns.server)
        #expect(!answer.overTCP)
        #expect(answer.question == DNSQuestion(name: "pop.example.test", type: .a))
    }

    @Test("AAAA")
    func aaaa() async throws {
        let answer = try await resolver.query("v6.example.test", type: .aaaa)
        #expect(answer.rcode == .noError)
        #expect(answer.records.map(\.data) == [.aaaa(DNSIPv6Address(bytes: Array(repeating: 0, count: 15) + [1])!)])
    }

    @Test("MX")
    func mx() async throws {
        let answer = try await resolver.query("example.test", type: .mx)
        #expect(answer.rcode == .noError)
        #expect(answer.matchingRecords.map(\.data) == [.mx(preference: 10, exchange: "mx.example.test")])
    }

    @Test("SRV, several records")
    func srv() async throws {
        let answer = try await resolver.query("_submissions._tcp.example.test", type: .srv)
        #expect(answer.rcode == .noError)
        let records = Set(answer.matchingRecords.map(\.data))
        #expect(records == [
            .srv(priority: 10, weight: 5, port: 465, target: "pop.example.test"),
            .srv(priority: 20, weight: 0, port: 465, target: "mx.example.test"),
        ])
    }

    @Test("SRV with the target \".\": service not offered")
    func srvDot() async throws {
        let answer = try await resolver.query("_pop3._tcp.example.test", type: .srv)
        #expect(answer.rcode == .noError)
        // dnsmasq sends port 1 with the "." target; the target alone says "not offered".
        let targets = answer.matchingRecords.compactMap { record -> String? in
            if case .srv(_, _, _, let target) = record.data { return target }
            return nil
        }
        #expect(targets == ["."])
    }

    @Test("small TXT over UDP")
    func txt() async throws {
        let answer = try await resolver.query("example.test", type: .txt)
        #expect(answer.matchingRecords.map(\.data) == [.txt([Array("v=spf1 -all".utf8)])])
        #expect(!answer.overTCP)
    }

    @Test("TXT larger than 512 bytes: truncated over UDP, asked again over TCP")
    func txtOverTCP() async throws {
        let answer = try await resolver.query("big.example.test", type: .txt)
        #expect(answer.rcode == .noError)
        #expect(answer.overTCP)
        #expect(answer.matchingRecords.map(\.data) == [.txt(DNSWorld.bigText)])
    }

    @Test("NXDOMAIN, empty NOERROR and REFUSED are told apart")
    func negativeAnswers() async throws {
        let missing = try await resolver.query("nothing.example.test", type: .a)
        #expect(missing.rcode == .nameError)
        #expect(missing.records.isEmpty)

        let noData = try await resolver.query("pop.example.test", type: .mx)
        #expect(noData.rcode == .noError)
        #expect(noData.records.isEmpty)

        let refused = try await resolver.query("example.invalid", type: .a)
        #expect(refused.rcode == .refused)
        #expect(refused.records.isEmpty)
    }

    @Test("a dead first server times out and the next one answers within the deadline")
    func deadFirstServer() async throws {
        // A bound UDP socket that reads nothing and never answers.
        let dead = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { dead.close(promise: nil) }
        let deadServer = try DNSServer(address: "127.0.0.1", port: try #require(dead.localAddress?.port))
        let resolver = NIODNSResolver(servers: [deadServer, dns.server], timeout: .milliseconds(300), attempts: 2)

        let clock = ContinuousClock()
        let start = clock.now
        let answer = try await resolver.query("pop.example.test", type: .a)
        let elapsed = clock.now - start
        #expect(answer.server == dns.server)
        #expect(answer.records.map(\.data) == [.a(DNSIPv4Address(bytes: [127, 0, 0, 4])!)])
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(2))
    }

    @Test("only a dead server: timedOut after every try, in one line")
    func onlyDeadServer() async throws {
        let dead = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { dead.close(promise: nil) }
        let deadServer = try DNSServer(address: "127.0.0.1", port: try #require(dead.localAddress?.port))
        let resolver = NIODNSResolver(servers: [deadServer], timeout: .milliseconds(200), attempts: 2)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await resolver.query("pop.example.test", type: .a)
            Issue.record("a server that never answers gave an answer")
        } catch {
            #expect(error.code == .timedOut)
            #expect(error.description.contains(deadServer.description))
            #expect(!error.description.contains("\n"))
        }
        #expect(clock.now - start >= .milliseconds(350))
    }

    @Test("cancellation ends a query at once")
    func cancellation() async throws {
        let dead = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { dead.close(promise: nil) }
        let deadServer = try DNSServer(address: "127.0.0.1", port: try #require(dead.localAddress?.port))
        let resolver = NIODNSResolver(servers: [deadServer], timeout: .seconds(10), attempts: 3)
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await resolver.query("pop.example.test", type: .a) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(clock.now - start < .seconds(2))
        #expect(throws: DNSResolveError.self) { try result.get() }
        if case .failure(let error as DNSResolveError) = result {
            #expect(error.code == .cancelled)
        }
    }

    @Test("many queries at once")
    func concurrent() async throws {
        let resolver = self.resolver
        let results = try await withThrowingTaskGroup(of: DNSResponseCode.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await resolver.query(index.isMultiple(of: 2) ? "pop.example.test" : "nothing.example.test", type: .a).rcode
                }
            }
            return try await group.reduce(into: [DNSResponseCode]()) { $0.append($1) }
        }
        #expect(results.filter { $0 == .noError }.count == 25)
        #expect(results.filter { $0 == .nameError }.count == 25)
    }
}
