import Foundation
import MailSettings
import Testing

@testable import MailAutoconfig

/// The whole resolver against a loopback world — dnsmasq for every name, nginx on 127.0.0.8 —
/// where the sources agree, disagree, partly fail, or are untrusted.
@Suite(
    "Resolver against dnsmasq and nginx: agreement, disagreement, failure, distrust",
    .serialized,
    .enabled(if: World.canRun && DNSWorld.canRun, "needs nginx, openssl and dnsmasq (Scripts/test.sh installs them)")
)
struct ResolverWorldTests {
    static let address = "127.0.0.8"

    static let records: [String] = {
        var lines: [String] = []
        for domain in ["agree.test", "disagree.test", "partial.test", "untrusted.test"] {
            lines += ["local=/\(domain)/", "host-record=\(domain),\(address)", "host-record=autoconfig.\(domain),\(address)"]
        }
        lines += [
            "srv-host=_pop3s._tcp.agree.test,pop.agree.test,995,0,1",
            "srv-host=_submissions._tcp.agree.test,smtp.agree.test,465,0,1",
        ]
        return lines
    }()

    static func config(_ domain: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="\(domain)">
            <domain>\(domain)</domain>
            <incomingServer type="pop3"><hostname>pop.\(domain)</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.\(domain)</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
        </clientConfig>

        """
    }

    static let autoconfigPath = "/mail/config-v1.1.xml"
    static let wellKnownPath = "/.well-known/autoconfig/mail/config-v1.1.xml"

    /// Starts the world and resolves each address in it, waiting for every source.
    static func resolveAll(_ addresses: [String]) async throws -> [String: LookupResult] {
        var options = World.Options()
        options.address = address
        options.hostNames = ["autoconfig.agree.test", "agree.test", "autoconfig.disagree.test", "disagree.test", "partial.test"]
        // autoconfig.partial.test shows a certificate for another name; autoconfig.untrusted.test is
        // in no certificate at all (nginx answers with the main one): both fail over HTTPS.
        options.mismatchedHostName = "autoconfig.partial.test"
        let world = try await World.start(options)
        defer { world.stop() }
        let dns = try await DNSWorld.start(extraRecords: records)
        defer { dns.stop() }

        try world.write("autoconfig.agree.test", autoconfigPath, config("agree.test"))
        try world.write("agree.test", wellKnownPath, config("agree.test"))
        try world.write("autoconfig.disagree.test", autoconfigPath, config("one.test"))
        try world.write("disagree.test", wellKnownPath, config("two.test"))
        try world.write("autoconfig.partial.test", autoconfigPath, config("partial.test"))
        try world.write("partial.test", wellKnownPath, config("partial.test"))
        try world.write("autoconfig.untrusted.test", autoconfigPath, config("untrusted.test"))

        var moves: [AddressMapping.ConnectTo] = []
        for name in options.hostNames + [options.mismatchedHostName, "autoconfig.untrusted.test", "untrusted.test"] {
            if world.httpsPort != 443 { moves.append(.init(host: name, port: 443, targetHost: name, targetPort: world.httpsPort)) }
            if world.httpPort != 80 { moves.append(.init(host: name, port: 80, targetHost: name, targetPort: world.httpPort)) }
        }
        let resolverDNS = NIODNSResolver(servers: [dns.server], timeout: .seconds(2))
        let http = try NIOHTTPClient(
            additionalTrustRootsPEM: [world.caPEM], addressMapping: AddressMapping(connectTo: moves), dns: resolverDNS)
        let resolver = try AutoconfigResolver(http: http, dns: resolverDNS)
        var results: [String: LookupResult] = [:]
        for address in addresses {
            results[address] = await resolver.resolve(
                try MailQuery(parsing: address), input: address,
                options: ResolverOptions(timeout: .seconds(20), ispdbBaseURL: "https://127.0.0.1:1/", earlyAnswer: .waitForAll))
        }
        return results
    }

    static func status(_ result: LookupResult) -> [SourceID: SourceReport] {
        Dictionary(uniqueKeysWithValues: result.sources.map { ($0.id, $0) })
    }

    @Test("agree, disagree, partly fail, untrusted: each ranked and explained as it should be")
    func fourDomains() async throws {
        let results = try await Self.resolveAll([
            "alice@agree.test", "alice@disagree.test", "alice@partial.test", "alice@untrusted.test",
        ])

        // Agreement: five sources offer the same servers; one trusted candidate, explained.
        let agree = try #require(results["alice@agree.test"])
        let pop = try #require(agree.incoming.first)
        #expect(pop.settings.hostname == "pop.agree.test")
        #expect(Set(pop.sources) == [.autoconfigHTTPS, .wellKnownHTTPS, .autoconfigHTTP, .wellKnownHTTP, .srv], "\(pop.sources)")
        #expect(pop.trusted)
        #expect(pop.reasons.first?.hasPrefix("found by 5 sources") == true, "\(pop.reasons)")
        #expect(agree.incoming.count == 1 && agree.outgoing.count == 1)
        #expect(!agree.notes.contains { $0.id == "sources-disagree" })

        // Disagreement: two trusted sources, two different hosts; both kept, and the person is told.
        let disagree = try #require(results["alice@disagree.test"])
        #expect(Set(disagree.incoming.map(\.settings.hostname)) == ["pop.one.test", "pop.two.test"])
        #expect(disagree.incoming.allSatisfy { $0.trusted })
        #expect(disagree.notes.contains { $0.id == "sources-disagree" }, "\(disagree.notes.map(\.id))")

        // A failing source (certificate for another name) is reported; the others still answer.
        let partial = try #require(results["alice@partial.test"])
        let partialStatus = Self.status(partial)
        #expect(partialStatus[.autoconfigHTTPS]?.status == .failed)
        #expect(partialStatus[.autoconfigHTTPS]?.detail.contains("autoconfig.partial.test") == true)
        #expect(partialStatus[.wellKnownHTTPS]?.status == .found)
        #expect(partial.isComplete)
        #expect(partial.incoming.first?.trusted == true)

        // Plain HTTP only: found, but not trusted, and said so.
        let untrusted = try #require(results["alice@untrusted.test"])
        let untrustedStatus = Self.status(untrusted)
        #expect(untrustedStatus[.autoconfigHTTPS]?.status == .failed, "\(String(describing: untrustedStatus[.autoconfigHTTPS]))")
        #expect(untrustedStatus[.autoconfigHTTP]?.status == .found)
        let guess = try #require(untrusted.incoming.first)
        #expect(guess.settings.hostname == "pop.untrusted.test")
        #expect(!guess.trusted)
        #expect(untrusted.notes.contains { $0.id == "untrusted-source" }, "\(untrusted.notes.map(\.id))")
        #expect(guess.score < pop.score)
    }
}
