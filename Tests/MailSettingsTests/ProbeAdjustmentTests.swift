import Testing

@testable import MailSettings

/// Probes folded into a ranked result, and the servers guessed for a domain: pure.
@Suite("Probe adjustment and guessed servers")
struct ProbeAdjustmentTests {
    static func candidate(_ host: String, score: Double) -> Candidate {
        Candidate(
            settings: ServerSettings(protocol: .pop3, hostname: host, port: 995, security: .tls, username: "a@b.test"),
            sources: [.srv], trusted: true, score: score, reasons: ["r"])
    }

    @Test("answered first, unprobed next, failed last; scores moved and explained")
    func ordering() {
        let result = LookupResult(
            query: .init(input: "a@b.test", domain: "b.test", localPart: "a"), provider: nil,
            incoming: [Self.candidate("dead.b.test", score: 0.9), Self.candidate("unknown.b.test", score: 0.8), Self.candidate("live.b.test", score: 0.7)],
            outgoing: [], notes: [], sources: [])
        let probes: [ServerSettings.Identity: ProbeSummary] = [
            result.incoming[0].settings.identity: ProbeSummary(passed: false, verdict: "connection-refused", detail: "x"),
            result.incoming[2].settings.identity: ProbeSummary(passed: true, verdict: "server-ok", detail: "y", tlsVersion: "TLSv1.3", ms: 12),
        ]
        let adjusted = ProbeAdjustment.apply(probes, to: result, language: .english)
        #expect(adjusted.incoming.map(\.settings.hostname) == ["live.b.test", "unknown.b.test", "dead.b.test"])
        #expect(adjusted.incoming[0].score == 0.75)
        #expect(adjusted.incoming[2].score == 0.6)
        #expect(adjusted.incoming[0].reasons.last == "confirmed by a probe (12 ms, TLSv1.3)")
        #expect(adjusted.incoming[2].reasons.last == "failed the probe: connection-refused")
        #expect(adjusted.incoming[1].probe == nil && adjusted.incoming[1].reasons == ["r"])
        let spanish = ProbeAdjustment.apply(probes, to: result, language: .spanish)
        #expect(spanish.incoming[2].reasons.last == "la sonda falló: connection-refused")
    }

    @Test("guesses: the usual names on the standard ports, POP3 first, implicit TLS before STARTTLS")
    func guesses() throws {
        let servers = GuessedServers.servers(for: try DomainName("example.test"))
        #expect(servers.count == 4 * 2 + 3 * 2 + 3 * 2)
        #expect(servers.first.map { "\($0.protocol) \($0.hostname):\($0.port) \($0.security)" } == "pop3 pop3.example.test:995 tls")
        #expect(Set(servers.filter { $0.protocol == .smtp }.map(\.port)) == [465, 587])
        #expect(servers.allSatisfy { $0.username == "%EMAILADDRESS%" })
        #expect(!servers.contains { $0.protocol == .imap && $0.hostname.hasPrefix("pop") })
        #expect(GuessedServers.servers(for: try DomainName("españa.es")).first?.hostname == "pop3.xn--espaa-rta.es")
    }
}
