import Logging
import MailSettings
import Testing

@testable import MailAutoconfig

/// The A/AAAA step every connection takes when a DNS server is given, and the `mx` source's
/// walk to the mail host's own domains, with answers from a table.
@Suite("Host addresses and the mail host's domains")
struct HostAddressTests {
    static func v4(_ text: String) -> DNSRecordData {
        .a(DNSIPv4Address(bytes: text.split(separator: ".").map { UInt8($0)! })!)
    }

    @Test("A and AAAA records give packed addresses in the server's order; no data gives none")
    func addresses() async throws {
        var dns = StubDNSResolver()
        dns.records[DNSQuestion(name: "mail.example.test", type: .a)] = [Self.v4("192.0.2.7"), Self.v4("192.0.2.1")]
        dns.records[DNSQuestion(name: "mail.example.test", type: .aaaa)] = []
        #expect(try await dns.packedAddresses(of: "mail.example.test", family: .a) == [[192, 0, 2, 7], [192, 0, 2, 1]])
        #expect(try await dns.packedAddresses(of: "mail.example.test", family: .aaaa) == [])
    }

    @Test("an alias the server did not follow is asked about in turn")
    func followsAliases() async throws {
        var dns = StubDNSResolver()
        dns.records[DNSQuestion(name: "www.example.test", type: .a)] = [.cname("edge.example.test")]
        dns.records[DNSQuestion(name: "edge.example.test", type: .a)] = [.cname("host.cdn.test")]
        dns.records[DNSQuestion(name: "host.cdn.test", type: .a)] = [Self.v4("198.51.100.4")]
        #expect(try await dns.packedAddresses(of: "www.example.test", family: .a) == [[198, 51, 100, 4]])
    }

    @Test("an alias loop, NXDOMAIN and SERVFAIL are errors that say which")
    func failures() async throws {
        var loop = StubDNSResolver()
        loop.records[DNSQuestion(name: "a.loop.test", type: .a)] = [.cname("b.loop.test")]
        loop.records[DNSQuestion(name: "b.loop.test", type: .a)] = [.cname("a.loop.test")]
        await #expect(throws: DNSResolveError.self) { try await loop.packedAddresses(of: "a.loop.test", family: .a) }
        do {
            _ = try await loop.packedAddresses(of: "a.loop.test", family: .a)
        } catch {
            #expect(error.code == .noAddress)
            #expect(error.description.contains("CNAME"), "\(error)")
        }
        do {
            _ = try await StubDNSResolver().packedAddresses(of: "nowhere.test", family: .aaaa)
            Issue.record("NXDOMAIN gave addresses")
        } catch {
            #expect(error.code == .noAddress)
            #expect(error.description == "nowhere.test AAAA: no such name nowhere.test (NXDOMAIN from 127.0.0.1:53)")
        }
        do {
            _ = try await ServerFailureDNS().packedAddresses(of: "broken.test", family: .a)
            Issue.record("SERVFAIL gave addresses")
        } catch {
            #expect(error.code == .noAddress)
            #expect(error.description.contains("SERVFAIL"), "\(error)")
        }
    }

    static func context(http: any HTTPFetching, dns: any DNSResolving) -> SourceContext {
        SourceContext(
            http: http, dns: dns, options: ResolverOptions(ispdbBaseURL: "https://ispdb.test/v1.1/"),
            knowledgeBase: .bundled, deadline: ContinuousClock.now + .seconds(10),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("mx: past a filtering relay, the mail host's next subdomain and then its registered domain are asked, never with the address")
    func mailHostDomains() async throws {
        var dns = StubDNSResolver()
        dns.records[DNSQuestion(name: "shop.test", type: .mx)] = [
            .mx(preference: 10, exchange: "eu-smtp-inbound-1.mimecast.com"),
            .mx(preference: 20, exchange: "mx2.mail.hoster.test"),
        ]
        let http = RecordingTransport(answers: [
            "https://ispdb.test/v1.1/hoster.test": AutoconfigResolverTests.config(pop: "pop.hoster.test")
        ])
        let outcome = await MXSource().lookUp(try MailQuery(parsing: "alice@shop.test"), in: Self.context(http: http, dns: dns))
        #expect(outcome.status == .found, "\(outcome.detail)")
        let finding = try #require(outcome.finding)
        #expect(finding.source == .mx)
        #expect(finding.trusted)
        #expect(finding.servers.first?.hostname == "pop.hoster.test")
        // The relay's note stays; the relay's own domain is never asked.
        #expect(finding.notes.contains { $0.id == "filtering-relay" })
        #expect(Set(http.urls.prefix(2)) == [
            "https://autoconfig.mail.hoster.test/mail/config-v1.1.xml", "https://ispdb.test/v1.1/mail.hoster.test",
        ])
        #expect(Set(http.urls.dropFirst(2)) == [
            "https://autoconfig.hoster.test/mail/config-v1.1.xml", "https://ispdb.test/v1.1/hoster.test",
        ])
        #expect(!http.urls.contains { $0.contains("mimecast") || $0.contains("alice") })
        #expect(outcome.detail.contains("mx2.mail.hoster.test is in hoster.test"), "\(outcome.detail)")
    }

    @Test("mx: nothing at the mail host's domains is empty, and the detail lists what was asked")
    func mailHostDomainsEmpty() async throws {
        var dns = StubDNSResolver()
        dns.records[DNSQuestion(name: "shop.test", type: .mx)] = [.mx(preference: 10, exchange: "mx.hoster.test")]
        let http = RecordingTransport()
        let outcome = await MXSource().lookUp(try MailQuery(parsing: "alice@shop.test"), in: Self.context(http: http, dns: dns))
        #expect(outcome.status == .empty)
        #expect(outcome.finding == nil)
        #expect(http.urls.count == 2)
        #expect(outcome.detail.contains("nothing for mx.hoster.test"), "\(outcome.detail)")
        #expect(outcome.detail.contains("https://ispdb.test/v1.1/hoster.test: empty"), "\(outcome.detail)")
    }
}

/// A DNS server that fails every question (SERVFAIL).
struct ServerFailureDNS: DNSResolving {
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        DNSAnswer(
            question: DNSQuestion(name: name, type: type), rcode: .serverFailure, records: [],
            server: try DNSServer(address: "127.0.0.1", port: 53))
    }
}
