import Logging
import MailSettings
import Synchronization
import Testing
@testable import MailAutoconfig

@Suite("AutoconfigResolver")
struct AutoconfigResolverTests {
    /// Keeps every message logged to it.
    final class RecordingLogHandler: LogHandler, Sendable {
        let messages = Mutex<[String]>([])
        var metadata: Logger.Metadata {
            get { [:] }
            set {}
        }
        var logLevel: Logger.Level {
            get { .trace }
            set {}
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { nil }
            set {}
        }
        func log(event: LogEvent) {
            let line = "\(event.message) \(event.metadata?["source"].map { "\($0)" } ?? "")"
            messages.withLock { $0.append(line) }
        }
    }

    @Test("answers from the bundled knowledge base, as the offline lookup does")
    func bundled() async throws {
        let query = try MailQuery(parsing: "alice@gmx.net")
        let resolved = await (try AutoconfigResolver(http: StalledTransport())).resolve(
            query, input: "alice@gmx.net", options: ResolverOptions(offline: true))
        let offline = KnowledgeBase.bundled.lookup(query, input: "alice@gmx.net")
        #expect(resolved.provider?.id == "gmx")
        #expect(resolved.incoming.map(\.settings) == offline.incoming.map(\.settings))
        #expect(resolved.isComplete)
    }

    @Test("logs what each source did to the logger it is given")
    func logs() async throws {
        let handler = RecordingLogHandler()
        let resolver = try AutoconfigResolver(http: StalledTransport(), logger: Logger(label: "test") { _ in handler })
        _ = await resolver.resolve(try MailQuery(parsing: "web.de"), input: "web.de", options: ResolverOptions(offline: true))
        #expect(handler.messages.withLock { $0 } == ["source finished bundled"])
    }

    @Test("a source that never answers is reported as timed out at the deadline, and the rest still count")
    func deadline() async throws {
        let resolver = try AutoconfigResolver(http: StalledTransport(), dns: StalledDNSResolver())
        let clock = ContinuousClock()
        let start = clock.now
        let result = await resolver.resolve(
            try MailQuery(parsing: "alice@gmail.com"), input: "alice@gmail.com",
            options: ResolverOptions(timeout: .milliseconds(300))
        )
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(10), "the deadline was 0.3 s, the resolution took \(elapsed)")
        #expect(result.provider?.id == "gmail")
        #expect(result.sources.first { $0.id == .bundled }?.status == .found)
        let network = result.sources.filter { $0.id != .bundled }
        #expect(network.count == 8)
        // gmail.com is in the knowledge base: the MX source does not ask.
        #expect(result.sources.first { $0.id == .mx }?.status == .skipped)
        #expect(network.filter { $0.id != .mx }.allSatisfy { $0.status == .failed && $0.detail.hasPrefix("timed out") }, "\(network)")
    }

    @Test("the address goes to the domain's own servers only, never to the ISPDB; --no-send-address and --no-http hold")
    func addressPrivacy() async throws {
        let transport = RecordingTransport()
        let resolver = try AutoconfigResolver(http: transport, dns: StubDNSResolver())
        _ = await resolver.resolve(try MailQuery(parsing: "alice@example.test"), input: "alice@example.test")
        let sent = transport.urls
        #expect(sent.contains("https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test"))
        #expect(sent.contains("https://example.test/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.test"))
        #expect(sent.contains("https://autoconfig.thunderbird.net/v1.1/example.test"))
        #expect(sent.contains("http://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test"))
        #expect(sent.contains("https://autodiscover.example.test/autodiscover/autodiscover.xml"))
        #expect(!sent.contains { $0.contains("thunderbird.net") && $0.contains("alice") })

        let quiet = RecordingTransport()
        let result = await (try AutoconfigResolver(http: quiet, dns: StubDNSResolver())).resolve(
            try MailQuery(parsing: "alice@example.test"), input: "alice@example.test",
            options: ResolverOptions(allowPlainHTTP: false, sendAddress: false)
        )
        #expect(!quiet.urls.contains { $0.contains("alice") || $0.hasPrefix("http:") }, "\(quiet.urls)")
        #expect(result.sources.first { $0.id == .autoconfigHTTP }?.status == .skipped)
        #expect(result.sources.first { $0.id == .autodiscover }?.status == .skipped)
    }

    @Test("a config found over HTTPS and one found over plain HTTP merge; the HTTP-only server is not trusted")
    func merge() async throws {
        let transport = RecordingTransport(answers: [
            "https://autoconfig.example.test/mail/config-v1.1.xml": Self.config(pop: "pop.example.test"),
            "http://autoconfig.example.test/mail/config-v1.1.xml": Self.config(pop: "pop.attacker.test"),
        ])
        let result = await (try AutoconfigResolver(http: transport, dns: StubDNSResolver())).resolve(
            try MailQuery(parsing: "example.test"), input: "example.test"
        )
        let good = try #require(result.incoming.first { $0.settings.hostname == "pop.example.test" })
        let bad = try #require(result.incoming.first { $0.settings.hostname == "pop.attacker.test" })
        #expect(good.trusted && !bad.trusted)
        #expect(good.score > bad.score)
        #expect(result.incoming.first?.settings.hostname == "pop.example.test")
        #expect(good.sources == [.autoconfigHTTPS])
        #expect(result.sources.first { $0.id == .autoconfigHTTPS }?.status == .found)
        #expect(result.sources.first { $0.id == .wellKnownHTTPS }?.status == .empty)
    }

    static func config(pop: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="example.test">
            <domain>example.test</domain>
            <incomingServer type="pop3"><hostname>\(pop)</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
        </clientConfig>
        """
    }
}

/// A transport whose requests never answer until they are cancelled: a server that stalls on purpose.
struct StalledTransport: HTTPFetching {
    func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw HTTPFetchError(.cancelled, url: request.url.description, reason: "cancelled")
    }
}

/// A transport that records every URL asked for and answers from a table (404 otherwise).
final class RecordingTransport: HTTPFetching, Sendable {
    private let asked = Mutex<[String]>([])
    private let answers: [String: String]

    init(answers: [String: String] = [:]) {
        self.answers = answers
    }

    var urls: [String] { asked.withLock { $0 } }

    func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        let url = request.url.description
        asked.withLock { $0.append(url) }
        guard let body = answers[url] else {
            throw HTTPFetchError(.unexpectedStatus, url: url, reason: "404 Not Found", statusCode: 404)
        }
        return HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "text/xml")], body: Array(body.utf8), finalURL: url)
    }
}

/// A DNS resolver that answers from a table at once: NXDOMAIN for every name it does not know.
/// Tests inject it so that the system resolver is never asked.
struct StubDNSResolver: DNSResolving {
    var records: [DNSQuestion: [DNSRecordData]] = [:]
    var authenticData = false

    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        let question = DNSQuestion(name: name.lowercased(), type: type)
        let server = try DNSServer(address: "127.0.0.1", port: 53)
        guard let data = records[question] else {
            return DNSAnswer(question: question, rcode: .nameError, records: [], server: server)
        }
        return DNSAnswer(
            question: question, rcode: .noError,
            records: data.map { DNSResourceRecord(name: question.name, type: type, recordClass: .internet, ttl: 60, data: $0) },
            authenticData: authenticData, server: server
        )
    }
}

/// A DNS resolver whose queries never answer until they are cancelled.
struct StalledDNSResolver: DNSResolving {
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw DNSResolveError(.cancelled, subject: "\(name) \(type)", reason: "cancelled")
    }
}
