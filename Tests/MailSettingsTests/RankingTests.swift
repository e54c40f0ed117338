import Testing
@testable import MailSettings

@Suite("Ranking")
struct RankingTests {
    static func server(_ proto: MailProtocol, _ host: String, _ port: Int, _ security: ConnectionSecurity, user: String = "%EMAILADDRESS%") -> ServerSettings {
        ServerSettings(protocol: proto, hostname: host, port: port, security: security, username: user)
    }

    static func finding(_ source: SourceID, trusted: Bool = true, confidence: Provider.Confidence = .high, _ servers: [ServerSettings]) -> SourceFinding {
        SourceFinding(source: source, trusted: trusted, confidence: confidence, servers: servers)
    }

    func rank(_ findings: [SourceFinding], prefer: MailProtocol = .pop3) -> CandidateRanking.Ranked {
        CandidateRanking.rank(findings, policy: RankingPolicy(preferredIncoming: prefer), language: .english)
    }

    struct OrderCase: Sendable, CustomTestStringConvertible {
        var name: String
        var servers: [ServerSettings]
        var prefer: MailProtocol
        var expectedFirst: (String, Int)
        var testDescription: String { name }
    }

    @Test(
        "the best incoming server",
        arguments: [
            OrderCase(name: "implicit TLS beats STARTTLS beats plain, whatever the order",
                      servers: [server(.pop3, "h", 110, .plain), server(.pop3, "h", 110, .starttls), server(.pop3, "h", 995, .tls)],
                      prefer: .pop3, expectedFirst: ("h", 995)),
            OrderCase(name: "the preferred protocol first",
                      servers: [server(.imap, "imap.x", 993, .tls), server(.pop3, "pop.x", 995, .tls)],
                      prefer: .pop3, expectedFirst: ("pop.x", 995)),
            OrderCase(name: "IMAP when asked",
                      servers: [server(.pop3, "pop.x", 995, .tls), server(.imap, "imap.x", 993, .tls)],
                      prefer: .imap, expectedFirst: ("imap.x", 993)),
            OrderCase(name: "secure IMAP over unencrypted POP3 even when POP3 is preferred",
                      servers: [server(.pop3, "pop.x", 110, .plain), server(.imap, "imap.x", 993, .tls)],
                      prefer: .pop3, expectedFirst: ("imap.x", 993)),
            OrderCase(name: "the source's own order breaks ties",
                      servers: [server(.pop3, "b.x", 995, .tls), server(.pop3, "a.x", 995, .tls)],
                      prefer: .pop3, expectedFirst: ("b.x", 995)),
        ]
    )
    func bestIncoming(_ testCase: OrderCase) throws {
        let ranked = rank([Self.finding(.bundled, testCase.servers)], prefer: testCase.prefer)
        let first = try #require(ranked.incoming.first)
        #expect(first.settings.hostname == testCase.expectedFirst.0)
        #expect(first.settings.port == testCase.expectedFirst.1)
    }

    @Test("the same server from two sources is one candidate, listing both, and scores higher")
    func agreement() throws {
        let shared = Self.server(.pop3, "Pop.X.test", 995, .tls)
        let alone = Self.server(.pop3, "pop2.x.test", 995, .tls)
        let ranked = rank([
            Self.finding(.bundled, [alone, shared]),
            Self.finding(.srv, [Self.server(.pop3, "pop.x.test", 995, .tls)]),
        ])
        #expect(ranked.incoming.count == 2)
        let merged = try #require(ranked.incoming.first { $0.settings.hostname == "pop.x.test" })
        let single = try #require(ranked.incoming.first { $0.settings.hostname == "pop2.x.test" })
        #expect(merged.sources == [.bundled, .srv])
        #expect(merged.score > single.score)
        #expect(merged.reasons.first == "found by 2 sources: bundled, srv")
    }

    @Test("untrusted sources rank below trusted ones and say so")
    func untrusted() throws {
        let ranked = rank([
            Self.finding(.autoconfigHTTP, trusted: false, [Self.server(.pop3, "evil.test", 995, .tls)]),
            Self.finding(.bundled, [Self.server(.pop3, "pop.x.test", 995, .tls)]),
        ])
        #expect(ranked.incoming.first?.settings.hostname == "pop.x.test")
        let evil = try #require(ranked.incoming.last)
        #expect(!evil.trusted)
        #expect(evil.reasons.contains { $0.contains("not trusted") })
    }

    @Test("low confidence ranks below high confidence")
    func confidence() {
        let ranked = rank([
            Self.finding(.bundled, confidence: .low, [Self.server(.smtp, "guess.test", 465, .tls)]),
            Self.finding(.ispdb, confidence: .high, [Self.server(.smtp, "smtp.test", 587, .starttls)]),
        ])
        #expect(ranked.outgoing.map(\.settings.hostname) == ["smtp.test", "guess.test"])
    }

    @Test("scores stay within 0…1, are rounded to hundredths, and ranking is deterministic")
    func bounded() {
        let findings = [
            Self.finding(.bundled, [Self.server(.pop3, "a", 995, .tls), Self.server(.smtp, "a", 25, .plain)]),
            Self.finding(.ispdb, [Self.server(.pop3, "a", 995, .tls)]),
            Self.finding(.srv, [Self.server(.pop3, "a", 995, .tls)]),
            Self.finding(.mx, [Self.server(.pop3, "a", 995, .tls)]),
        ]
        let first = rank(findings)
        #expect(first == rank(findings))
        for candidate in first.incoming + first.outgoing {
            #expect((0...1).contains(candidate.score))
            #expect((candidate.score * 100).rounded() == candidate.score * 100)
        }
    }

    @Test("reasons follow the language")
    func spanishReasons() {
        let ranked = CandidateRanking.rank(
            [Self.finding(.bundled, [Self.server(.pop3, "a", 995, .tls)])],
            policy: RankingPolicy(), language: .spanish
        )
        #expect(ranked.incoming.first?.reasons.contains("TLS implícito, preferido a STARTTLS (RFC 8314)") == true)
    }
}

@Suite("Note rules")
struct NoteRuleTests {
    func candidates(_ servers: [ServerSettings]) -> CandidateRanking.Ranked {
        CandidateRanking.rank([RankingTests.finding(.bundled, servers)], policy: RankingPolicy(), language: .english)
    }

    func ids(_ servers: [ServerSettings], preferred: MailProtocol = .pop3) -> [String] {
        let ranked = candidates(servers)
        return NoteRules.notes(
            incoming: ranked.incoming, outgoing: ranked.outgoing, provider: "X", domain: "x.test",
            confidence: .high, preferred: preferred
        ).map(\.id)
    }

    @Test("port 25 and unencrypted ports are warned about; SSL/TLS vs STARTTLS explained")
    func portRules() {
        let found = ids([
            RankingTests.server(.pop3, "pop.x.test", 110, .plain),
            RankingTests.server(.smtp, "smtp.x.test", 25, .plain),
            RankingTests.server(.smtp, "smtp.x.test", 465, .tls),
            RankingTests.server(.smtp, "smtp.x.test", 587, .starttls),
        ])
        #expect(found.contains("insecure-port"))
        #expect(found.contains("port-25-blocked"))
        #expect(found.contains("tls-vs-starttls"))
        #expect(found.contains("pop-leave-copy"))
    }

    @Test("a clean implicit-TLS IMAP setup needs none of those notes")
    func quiet() {
        let found = ids([
            RankingTests.server(.imap, "imap.x.test", 993, .tls),
            RankingTests.server(.smtp, "smtp.x.test", 465, .tls),
        ], preferred: .imap)
        #expect(found.isEmpty)
    }

    @Test("asking for POP3 where only IMAP is offered gets the no-pop note; asking for IMAP does not")
    func noPop() {
        let ranked = candidates([RankingTests.server(.imap, "imap.x.test", 993, .tls)])
        let pop = NoteRules.notes(incoming: ranked.incoming, outgoing: [], provider: "X", domain: "x.test", confidence: .high, preferred: .pop3)
        let imap = NoteRules.notes(incoming: ranked.incoming, outgoing: [], provider: "X", domain: "x.test", confidence: .high, preferred: .imap)
        #expect(pop.map(\.id) == ["no-pop"])
        #expect(imap.isEmpty)
    }

    @Test("an OAuth-only best server gets the oauth-only note")
    func oauthOnly() {
        var server = RankingTests.server(.imap, "imap.x.test", 993, .tls)
        server.authentication = [.oauth2]
        #expect(ids([server]).contains("oauth-only"))
    }

    @Test("notes render once per id, actions before warnings before information, with the values filled in")
    func render() {
        let catalog = KnowledgeBase.bundled.notes
        let notes = LookupAssembler.render([
            NoteRequest(id: "tls-vs-starttls"),
            NoteRequest(id: "port-25-blocked", values: ["host": "smtp.x.test"]),
            NoteRequest(id: "enable-pop", url: nil),
            NoteRequest(id: "enable-pop", url: "https://x.test/settings"),
            NoteRequest(id: "no-such-note"),
        ], catalog: catalog, language: .english, providerName: "X Mail")
        #expect(notes.map(\.id) == ["enable-pop", "port-25-blocked", "tls-vs-starttls"])
        #expect(notes[0].url == "https://x.test/settings")
        #expect(notes[0].text.contains("X Mail"))
        #expect(notes[1].text.contains("smtp.x.test"))
        #expect(!notes.contains { $0.text.contains("{") })
    }
}

@Suite("Language")
struct LanguageTests {
    @Test(
        "the language comes from LC_ALL, then LC_MESSAGES, then LANG",
        arguments: [
            ([:], Language.english),
            (["LANG": "es_ES.UTF-8"], .spanish),
            (["LANG": "es"], .spanish),
            (["LANG": "es_MX"], .spanish),
            (["LANG": "fr_FR.UTF-8"], .english),
            (["LANG": "C"], .english),
            (["LANG": "es_ES.UTF-8", "LC_ALL": "en_US.UTF-8"], .english),
            (["LANG": "en_US.UTF-8", "LC_MESSAGES": "es_AR.UTF-8"], .spanish),
            (["LANG": "es_ES.UTF-8", "LC_ALL": ""], .spanish),
        ] as [([String: String], Language)]
    )
    func fromEnvironment(environment: [String: String], expected: Language) {
        #expect(Language.fromEnvironment(environment) == expected)
    }
}
