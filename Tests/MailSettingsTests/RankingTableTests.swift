import Foundation
import Testing

@testable import MailSettings

/// The ranking rules, one table per rule: pure input (findings, policy) → expected scores, reasons,
/// notes. The weights are the defaults of ``RankingPolicy`` (README "Ranking").
@Suite("Ranking rules, table-driven")
struct RankingTableTests {
    static func server(
        _ proto: MailProtocol, _ host: String, _ port: Int, _ security: ConnectionSecurity, user: String = "%EMAILADDRESS%"
    ) -> ServerSettings {
        ServerSettings(protocol: proto, hostname: host, port: port, security: security, username: user)
    }

    static func finding(
        _ source: SourceID, trusted: Bool = true, confidence: Provider.Confidence = .high, _ servers: [ServerSettings]
    ) -> SourceFinding {
        SourceFinding(source: source, trusted: trusted, confidence: confidence, servers: servers)
    }

    static func rank(_ findings: [SourceFinding], prefer: MailProtocol = .pop3, language: Language = .english) -> CandidateRanking.Ranked {
        CandidateRanking.rank(findings, policy: RankingPolicy(preferredIncoming: prefer), language: language)
    }

    static let pop = server(.pop3, "pop.x.test", 995, .tls)
    static let imap = server(.imap, "imap.x.test", 993, .tls)
    static let smtp = server(.smtp, "smtp.x.test", 465, .tls)

    /// Findings in, the score of the candidate for `host` out.
    struct ScoreCase: Sendable, CustomTestStringConvertible {
        var name: String
        var findings: [SourceFinding]
        var prefer: MailProtocol = .pop3
        var host: String
        var score: Double
        var testDescription: String { name }
    }

    // MARK: Base: trusted over untrusted, by confidence

    @Test(
        "the starting score: trusted 0.80/0.70/0.45, untrusted 0.50/0.40/0.30 (+0.10 TLS, +0.06 preferred)",
        arguments: [
            ScoreCase(name: "trusted, high", findings: [finding(.bundled, confidence: .high, [pop])], host: "pop.x.test", score: 0.96),
            ScoreCase(name: "trusted, medium", findings: [finding(.bundled, confidence: .medium, [pop])], host: "pop.x.test", score: 0.86),
            ScoreCase(name: "trusted, low", findings: [finding(.bundled, confidence: .low, [pop])], host: "pop.x.test", score: 0.61),
            ScoreCase(name: "plain HTTP, high", findings: [finding(.autoconfigHTTP, trusted: false, [pop])], host: "pop.x.test", score: 0.66),
            ScoreCase(name: "plain HTTP, medium", findings: [finding(.wellKnownHTTP, trusted: false, confidence: .medium, [pop])],
                      host: "pop.x.test", score: 0.56),
            ScoreCase(name: "unsigned DNS, low", findings: [finding(.srv, trusted: false, confidence: .low, [pop])], host: "pop.x.test", score: 0.46),
            ScoreCase(name: "an untrusted source next to a trusted one: trusted base, plus agreement",
                      findings: [finding(.autoconfigHTTP, trusted: false, [imap]), finding(.ispdb, [imap])], host: "imap.x.test", score: 0.95),
        ]
    )
    func base(_ testCase: ScoreCase) throws {
        try check(testCase)
    }

    // MARK: Agreement

    @Test(
        "agreement: +0.05 for each further source, at most +0.10",
        arguments: [
            ScoreCase(name: "one source", findings: [finding(.bundled, confidence: .medium, [imap])], host: "imap.x.test", score: 0.80),
            ScoreCase(name: "two sources", findings: [
                finding(.bundled, confidence: .medium, [imap]), finding(.ispdb, confidence: .medium, [imap]),
            ], host: "imap.x.test", score: 0.85),
            ScoreCase(name: "three sources", findings: [
                finding(.bundled, confidence: .medium, [imap]), finding(.ispdb, confidence: .medium, [imap]),
                finding(.srv, confidence: .medium, [imap]),
            ], host: "imap.x.test", score: 0.90),
            ScoreCase(name: "four sources: still +0.10", findings: [
                finding(.bundled, confidence: .medium, [imap]), finding(.ispdb, confidence: .medium, [imap]),
                finding(.srv, confidence: .medium, [imap]), finding(.autoconfigHTTPS, confidence: .medium, [imap]),
            ], host: "imap.x.test", score: 0.90),
            ScoreCase(name: "the same source twice counts once", findings: [
                finding(.bundled, confidence: .medium, [imap]), finding(.bundled, confidence: .medium, [imap]),
            ], host: "imap.x.test", score: 0.80),
            ScoreCase(name: "host names agree whatever their case", findings: [
                finding(.bundled, confidence: .medium, [imap]),
                finding(.ispdb, confidence: .medium, [server(.imap, "IMAP.X.Test", 993, .tls)]),
            ], host: "imap.x.test", score: 0.85),
            ScoreCase(name: "another port is another server: no agreement", findings: [
                finding(.bundled, confidence: .medium, [imap]),
                finding(.ispdb, confidence: .medium, [server(.imap, "imap.x.test", 143, .starttls)]),
            ], host: "imap.x.test", score: 0.80),
            ScoreCase(name: "the best source's base counts, not the weakest", findings: [
                finding(.srv, trusted: false, confidence: .low, [imap]), finding(.bundled, confidence: .medium, [imap]),
            ], host: "imap.x.test", score: 0.85),
            ScoreCase(name: "the score never passes 1", findings: [
                finding(.bundled, [pop]), finding(.ispdb, [pop]), finding(.srv, [pop]),
            ], host: "pop.x.test", score: 1.0),
        ]
    )
    func agreement(_ testCase: ScoreCase) throws {
        try check(testCase)
    }

    // MARK: Security (RFC 8314)

    @Test(
        "security: implicit TLS +0.10, STARTTLS +0.07, none −0.20",
        arguments: [
            ScoreCase(name: "SMTP, implicit TLS", findings: [finding(.bundled, [server(.smtp, "s.test", 465, .tls)])], host: "s.test", score: 0.90),
            ScoreCase(name: "SMTP, STARTTLS", findings: [finding(.bundled, [server(.smtp, "s.test", 587, .starttls)])], host: "s.test", score: 0.87),
            ScoreCase(name: "SMTP, none", findings: [finding(.bundled, [server(.smtp, "s.test", 25, .plain)])], host: "s.test", score: 0.60),
            ScoreCase(name: "POP3, STARTTLS", findings: [finding(.bundled, [server(.pop3, "p.test", 110, .starttls)])], host: "p.test", score: 0.93),
            ScoreCase(name: "POP3, none", findings: [finding(.bundled, [server(.pop3, "p.test", 110, .plain)])], host: "p.test", score: 0.66),
            ScoreCase(name: "untrusted and unencrypted", findings: [
                finding(.autoconfigHTTP, trusted: false, confidence: .low, [server(.imap, "i.test", 143, .plain)]),
            ], host: "i.test", score: 0.10),
        ]
    )
    func security(_ testCase: ScoreCase) throws {
        try check(testCase)
    }

    // MARK: Preference

    @Test(
        "preference: +0.06 for the asked incoming protocol, never for SMTP",
        arguments: [
            ScoreCase(name: "POP3 asked, POP3", findings: [finding(.bundled, [pop])], prefer: .pop3, host: "pop.x.test", score: 0.96),
            ScoreCase(name: "POP3 asked, IMAP", findings: [finding(.bundled, [imap])], prefer: .pop3, host: "imap.x.test", score: 0.90),
            ScoreCase(name: "IMAP asked, IMAP", findings: [finding(.bundled, [imap])], prefer: .imap, host: "imap.x.test", score: 0.96),
            ScoreCase(name: "IMAP asked, POP3", findings: [finding(.bundled, [pop])], prefer: .imap, host: "pop.x.test", score: 0.90),
            ScoreCase(name: "SMTP either way", findings: [finding(.bundled, [smtp])], prefer: .imap, host: "smtp.x.test", score: 0.90),
        ]
    )
    func preference(_ testCase: ScoreCase) throws {
        try check(testCase)
    }

    // MARK: Position

    static let sevenSMTP = (1...7).map { server(.smtp, "s\($0).test", 465, .tls) }

    @Test(
        "position: −0.01 for each place in the source's own order, at most −0.05; counted per direction",
        arguments: [
            ScoreCase(name: "first", findings: [finding(.bundled, sevenSMTP)], host: "s1.test", score: 0.90),
            ScoreCase(name: "second", findings: [finding(.bundled, sevenSMTP)], host: "s2.test", score: 0.89),
            ScoreCase(name: "fifth", findings: [finding(.bundled, sevenSMTP)], host: "s5.test", score: 0.86),
            ScoreCase(name: "sixth", findings: [finding(.bundled, sevenSMTP)], host: "s6.test", score: 0.85),
            ScoreCase(name: "seventh: the penalty stops at −0.05", findings: [finding(.bundled, sevenSMTP)], host: "s7.test", score: 0.85),
            ScoreCase(name: "incoming servers do not push SMTP down",
                      findings: [finding(.bundled, [pop, imap, smtp])], host: "smtp.x.test", score: 0.90),
            ScoreCase(name: "the best place any source gives it",
                      findings: [finding(.bundled, [smtp, server(.smtp, "s2.test", 465, .tls)]),
                                 finding(.ispdb, [server(.smtp, "s2.test", 465, .tls)])],
                      host: "s2.test", score: 0.95),
        ]
    )
    func position(_ testCase: ScoreCase) throws {
        try check(testCase)
    }

    @Test("past the penalty's limit, the source's order still decides")
    func orderPastTheLimit() {
        let ranked = Self.rank([Self.finding(.bundled, Self.sevenSMTP)])
        #expect(ranked.outgoing.map(\.settings.hostname) == (1...7).map { "s\($0).test" })
    }

    func check(_ testCase: ScoreCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ranked = Self.rank(testCase.findings, prefer: testCase.prefer)
        let candidate = try #require(
            (ranked.incoming + ranked.outgoing).first { $0.settings.hostname == testCase.host }, sourceLocation: sourceLocation)
        #expect(candidate.score == testCase.score, sourceLocation: sourceLocation)
    }

    // MARK: Reasons

    struct ReasonCase: Sendable, CustomTestStringConvertible {
        var name: String
        var findings: [SourceFinding]
        var language: Language = .english
        var reasons: [String]
        var testDescription: String { name }
    }

    @Test(
        "reasons say what counted, in the asked language",
        arguments: [
            ReasonCase(name: "three sources, best first", findings: [
                finding(.srv, [pop]), finding(.ispdb, [pop]), finding(.bundled, [pop]),
            ], reasons: [
                "found by 3 sources: bundled, ispdb, srv", "implicit TLS, preferred over STARTTLS (RFC 8314)",
                "POP3 preferred, as asked", "choice 1 in the source's own order",
            ]),
            ReasonCase(name: "plain HTTP", findings: [finding(.autoconfigHTTP, trusted: false, [imap])], reasons: [
                "found by 1 source: autoconfig-http", "plain-HTTP source: not trusted",
                "implicit TLS, preferred over STARTTLS (RFC 8314)", "choice 1 in the source's own order",
            ]),
            ReasonCase(name: "unsigned DNS", findings: [finding(.srv, trusted: false, [smtp])], reasons: [
                "found by 1 source: srv", "unsigned DNS answer: not trusted",
                "implicit TLS, preferred over STARTTLS (RFC 8314)", "choice 1 in the source's own order",
            ]),
            ReasonCase(name: "both kinds of untrusted source, uncertain, STARTTLS, second choice", findings: [
                finding(.wellKnownHTTP, trusted: false, confidence: .low, [smtp, server(.smtp, "s.test", 587, .starttls)]),
                finding(.srv, trusted: false, confidence: .low, [server(.smtp, "s.test", 587, .starttls)]),
            ], reasons: [
                "found by 2 sources: srv, well-known-http", "plain-HTTP sources and unsigned DNS answers: not trusted",
                "the source rates it uncertain", "STARTTLS: encrypted once the session starts", "choice 1 in the source's own order",
            ]),
            ReasonCase(name: "Spanish", findings: [finding(.autoconfigHTTP, trusted: false, confidence: .medium, [server(.pop3, "p.test", 110, .plain)])],
                       language: .spanish, reasons: [
                "encontrado por 1 fuente: autoconfig-http", "fuente por HTTP sin cifrar: no es de fiar",
                "la fuente lo califica de probable, sin confirmar", "sin cifrado: la contraseña viaja legible por la red",
                "POP3 preferido, como se pidió", "opción 1 en el orden de la propia fuente",
            ]),
            ReasonCase(name: "Spanish, two DNS sources", findings: [
                finding(.srv, trusted: false, [imap]), finding(.mx, trusted: false, [imap]),
            ], language: .spanish, reasons: [
                "encontrado por 2 fuentes: srv, mx", "respuesta DNS sin firmar: no es de fiar",
                "TLS implícito, preferido a STARTTLS (RFC 8314)", "opción 1 en el orden de la propia fuente",
            ]),
        ]
    )
    func reasons(_ testCase: ReasonCase) throws {
        let ranked = Self.rank(testCase.findings, language: testCase.language)
        let first = try #require((ranked.incoming + ranked.outgoing).max { $0.sources.count < $1.sources.count })
        #expect(first.reasons == testCase.reasons)
    }

    // MARK: Sources disagree

    struct DisagreementCase: Sendable, CustomTestStringConvertible {
        var name: String
        var findings: [SourceFinding]
        /// The `offers` value of the note, nil when no note is expected.
        var offers: String?
        var testDescription: String { name }
    }

    static let popA = server(.pop3, "pop.a.test", 995, .tls)
    static let popB = server(.pop3, "pop.b.test", 995, .tls)
    static let smtpA = server(.smtp, "smtp.a.test", 465, .tls)
    static let smtpB = server(.smtp, "smtp.b.test", 465, .tls)

    @Test(
        "sources-disagree: trusted findings naming, for one direction, hosts with none in common",
        arguments: [
            DisagreementCase(name: "same hosts", findings: [finding(.bundled, [popA, smtpA]), finding(.ispdb, [popA, smtpA])], offers: nil),
            DisagreementCase(name: "one host in common is enough", findings: [
                finding(.bundled, [popA, smtpA]), finding(.ispdb, [popB, popA, smtpA]),
            ], offers: nil),
            DisagreementCase(name: "same host on another port or security still agrees", findings: [
                finding(.bundled, [popA]), finding(.ispdb, [server(.pop3, "pop.a.test", 110, .starttls)]),
            ], offers: nil),
            DisagreementCase(name: "case does not matter", findings: [
                finding(.bundled, [popA]), finding(.ispdb, [server(.pop3, "POP.A.TEST", 995, .tls)]),
            ], offers: nil),
            DisagreementCase(name: "an untrusted source may differ", findings: [
                finding(.bundled, [popA, smtpA]), finding(.autoconfigHTTP, trusted: false, [popB, smtpB]),
            ], offers: nil),
            DisagreementCase(name: "one offers only incoming, the other only outgoing", findings: [
                finding(.bundled, [popA]), finding(.srv, [smtpB]),
            ], offers: nil),
            DisagreementCase(name: "a single source", findings: [finding(.bundled, [popA, popB, smtpA])], offers: nil),
            DisagreementCase(name: "one source twice, with different hosts", findings: [
                finding(.mx, [popA]), finding(.mx, [popB]),
            ], offers: nil),
            DisagreementCase(name: "incoming differs", findings: [
                finding(.ispdb, [popB, smtpA]), finding(.bundled, [popA, smtpA]),
            ], offers: "bundled: pop.a.test; ispdb: pop.b.test"),
            DisagreementCase(name: "outgoing differs", findings: [
                finding(.bundled, [popA, smtpA]), finding(.srv, [popA, smtpB]),
            ], offers: "bundled: smtp.a.test; srv: smtp.b.test"),
            DisagreementCase(name: "both differ: each source's hosts, incoming first", findings: [
                finding(.bundled, [smtpA, popA]), finding(.ispdb, [popB, smtpB]),
            ], offers: "bundled: pop.a.test, smtp.a.test; ispdb: pop.b.test, smtp.b.test"),
            DisagreementCase(name: "sources with the same hosts are grouped", findings: [
                finding(.srv, [popB]), finding(.ispdb, [popA]), finding(.bundled, [popA]),
            ], offers: "bundled, ispdb: pop.a.test; srv: pop.b.test"),
            DisagreementCase(name: "an untrusted source is left out of the list", findings: [
                finding(.bundled, [popA]), finding(.autoconfigHTTPS, [popB]), finding(.autoconfigHTTP, trusted: false, [popB]),
            ], offers: "autoconfig-https: pop.b.test; bundled: pop.a.test"),
        ]
    )
    func disagreement(_ testCase: DisagreementCase) {
        let note = NoteRules.sourcesDisagree(testCase.findings, domain: "x.test")
        #expect(note?.values["offers"] == testCase.offers)
        if testCase.offers != nil {
            #expect(note?.id == "sources-disagree")
            #expect(note?.values["domain"] == "x.test")
        }
        // The order the sources answered in does not matter.
        #expect(NoteRules.sourcesDisagree(testCase.findings.reversed(), domain: "x.test") == note)
    }

    @Test("a lookup compares host names after placeholders are filled in, and writes the note in both languages")
    func disagreementInLookup() throws {
        let query = try MailQuery(parsing: "alice@x.test")
        func notes(_ findings: [SourceFinding], _ language: Language) -> [Note] {
            LookupAssembler.assemble(
                query: query, input: "alice@x.test", findings: findings, reports: [],
                catalog: KnowledgeBase.bundled.notes, options: LookupOptions(language: language)
            ).notes.filter { $0.id == "sources-disagree" }
        }
        let template = Self.finding(.ispdb, [Self.server(.pop3, "pop.%EMAILDOMAIN%", 995, .tls)])
        #expect(notes([Self.finding(.bundled, [Self.server(.pop3, "pop.x.test", 995, .tls)]), template], .english).isEmpty)

        let differing = [Self.finding(.bundled, [Self.server(.pop3, "mail.x.test", 995, .tls)]), template]
        let english = try #require(notes(differing, .english).first)
        #expect(english.kind == .warning)
        #expect(english.text.hasPrefix("Trusted sources name different servers for x.test (bundled: mail.x.test; ispdb: pop.x.test)."))
        #expect(english.text.contains("help pages"))
        let spanish = try #require(notes(differing, .spanish).first)
        #expect(spanish.text.hasPrefix("Fuentes de confianza indican servidores distintos para x.test (bundled: mail.x.test; ispdb: pop.x.test)."))
        #expect(spanish.text.contains("páginas de ayuda"))
        for note in [english, spanish] { #expect(!note.text.contains("{")) }
    }

    // MARK: User name forms

    struct UsernameCase: Sendable, CustomTestStringConvertible {
        var name: String
        var findings: [SourceFinding]
        var host: String = "pop.x.test"
        var username: String
        var alternatives: [String]
        var testDescription: String { name }
    }

    static func pop(user: String, port: Int = 995) -> ServerSettings {
        server(.pop3, "pop.x.test", port, port == 995 ? .tls : .starttls, user: user)
    }

    @Test(
        "the user name comes from the best source; the other form is offered as an alternative",
        arguments: [
            UsernameCase(name: "sources agree", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.ispdb, [pop(user: "%EMAILADDRESS%")]),
            ], username: "alice@x.test", alternatives: []),
            UsernameCase(name: "full address first, local part as alternative", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.ispdb, [pop(user: "%EMAILLOCALPART%")]),
            ], username: "alice@x.test", alternatives: ["alice"]),
            UsernameCase(name: "the domain's own file wins a tie with the bundled base", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.autoconfigHTTPS, [pop(user: "%EMAILLOCALPART%")]),
            ], username: "alice", alternatives: ["alice@x.test"]),
            UsernameCase(name: "trust beats order: an untrusted source's form is only the alternative", findings: [
                finding(.autoconfigHTTP, trusted: false, [pop(user: "%EMAILLOCALPART%")]), finding(.ispdb, [pop(user: "%EMAILADDRESS%")]),
            ], username: "alice@x.test", alternatives: ["alice"]),
            UsernameCase(name: "confidence beats order", findings: [
                finding(.bundled, confidence: .low, [pop(user: "%EMAILLOCALPART%")]), finding(.srv, confidence: .high, [pop(user: "%EMAILADDRESS%")]),
            ], username: "alice@x.test", alternatives: ["alice"]),
            UsernameCase(name: "compared after placeholders are filled in", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.ispdb, [pop(user: "%EMAILLOCALPART%@%EMAILDOMAIN%")]),
            ], username: "alice@x.test", alternatives: []),
            UsernameCase(name: "another server is not compared", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.ispdb, [pop(user: "%EMAILLOCALPART%", port: 110)]),
            ], username: "alice@x.test", alternatives: []),
            UsernameCase(name: "each alternative once, best source first", findings: [
                finding(.bundled, [pop(user: "%EMAILADDRESS%")]), finding(.ispdb, [pop(user: "%EMAILLOCALPART%")]),
                finding(.srv, [pop(user: "%EMAILLOCALPART%")]),
            ], username: "alice@x.test", alternatives: ["alice"]),
        ]
    )
    func usernames(_ testCase: UsernameCase) throws {
        let query = try MailQuery(parsing: "alice@x.test")
        for findings in [testCase.findings, testCase.findings.reversed()] {
            let result = LookupAssembler.assemble(
                query: query, input: "alice@x.test", findings: findings, reports: [],
                catalog: KnowledgeBase.bundled.notes, options: LookupOptions())
            let candidate = try #require(result.incoming.first { $0.settings.hostname == testCase.host && $0.settings.port == 995 })
            #expect(candidate.settings.username == testCase.username)
            #expect(candidate.alternativeUsernames == testCase.alternatives)
            #expect(candidate.reasons.contains { $0.hasPrefix("user name as ") } == !testCase.alternatives.isEmpty)
        }
    }

    @Test("without an address the alternatives stay templates; the reason names the sources, in Spanish too")
    func usernameTemplates() throws {
        let findings = [
            Self.finding(.bundled, [Self.pop(user: "%EMAILLOCALPART%")]), Self.finding(.ispdb, [Self.pop(user: "%EMAILADDRESS%")]),
        ]
        let english = try #require(Self.rank(findings).incoming.first)
        #expect(english.settings.username == "%EMAILLOCALPART%")
        #expect(english.alternativeUsernames == ["%EMAILADDRESS%"])
        #expect(english.reasons.last == "user name as bundled gives it; other sources give %EMAILADDRESS%")
        let spanish = try #require(Self.rank(findings, language: .spanish).incoming.first)
        #expect(spanish.reasons.last == "nombre de usuario tal como lo da bundled; otras fuentes dan %EMAILADDRESS%")
    }

    @Test("alternative user names round-trip through Codable, and are left out of the JSON when there are none")
    func usernameCodable() throws {
        var candidate = Candidate(settings: Self.pop, sources: [.bundled], trusted: true, score: 0.9)
        let plain = String(decoding: try JSONEncoder().encode(candidate), as: UTF8.self)
        #expect(!plain.contains("alternativeUsernames"))
        #expect(try JSONDecoder().decode(Candidate.self, from: Data(plain.utf8)) == candidate)
        candidate.alternativeUsernames = ["alice"]
        let with = try JSONEncoder().encode(candidate)
        #expect(try JSONDecoder().decode(Candidate.self, from: with) == candidate)
    }

    // MARK: Determinism

    static let tangled: [SourceFinding] = [
        finding(.bundled, [popA, server(.imap, "imap.a.test", 993, .tls), smtpA, server(.smtp, "smtp.a.test", 587, .starttls)]),
        finding(.ispdb, [server(.pop3, "pop.a.test", 995, .tls, user: "%EMAILLOCALPART%"), popB, smtpB]),
        finding(.autoconfigHTTPS, [popB, server(.imap, "imap.b.test", 993, .tls), smtpB]),
        finding(.autoconfigHTTP, trusted: false, [server(.pop3, "evil.test", 995, .tls), smtpA]),
        finding(.srv, trusted: false, confidence: .medium, [server(.imap, "imap.a.test", 993, .tls), server(.smtp, "s.test", 465, .tls)]),
    ]

    static func permutations<T>(_ items: [T]) -> [[T]] {
        guard let first = items.first else { return [[]] }
        return permutations(Array(items.dropFirst())).flatMap { rest in
            (0...rest.count).map { index in
                var permuted = rest
                permuted.insert(first, at: index)
                return permuted
            }
        }
    }

    @Test("the same findings give the same ranking and notes, twice and in every order")
    func determinism() throws {
        let query = try MailQuery(parsing: "alice@a.test")
        func assemble(_ findings: [SourceFinding]) -> LookupResult {
            LookupAssembler.assemble(
                query: query, input: "alice@a.test", findings: findings, reports: [],
                catalog: KnowledgeBase.bundled.notes, options: LookupOptions())
        }
        let expected = Self.rank(Self.tangled)
        #expect(Self.rank(Self.tangled) == expected)
        let result = assemble(Self.tangled)
        #expect(result.notes.contains { $0.id == "sources-disagree" })
        #expect(result.incoming.contains { !$0.alternativeUsernames.isEmpty })
        let orders = Self.permutations(Self.tangled)
        #expect(orders.count == 120)
        for findings in orders {
            #expect(Self.rank(findings) == expected)
            let other = assemble(findings)
            #expect(other.incoming == result.incoming)
            #expect(other.outgoing == result.outgoing)
            #expect(other.notes.filter { $0.id == "sources-disagree" } == result.notes.filter { $0.id == "sources-disagree" })
        }
    }

    @Test("exact ties: the source order, then the source's own order, then protocol, host, port, security")
    func ties() {
        let ranked = Self.rank([
            Self.finding(.srv, [Self.server(.smtp, "c.test", 465, .tls)]),
            Self.finding(.ispdb, [Self.server(.smtp, "b.test", 465, .tls)]),
            Self.finding(.bundled, [Self.server(.smtp, "a2.test", 465, .tls), Self.server(.smtp, "a1.test", 465, .tls)]),
            Self.finding(.wellKnownHTTPS, [Self.server(.smtp, "w.test", 465, .tls)]),
        ])
        // w, a2, b and c score 0.90, in the policy's source order; a1 is second in bundled's own order (0.89).
        #expect(ranked.outgoing.map(\.settings.hostname) == ["w.test", "a2.test", "b.test", "c.test", "a1.test"])
    }
}

// MARK: - Notes

@Suite("Notes merged and localized, table-driven")
struct NoteTableTests {
    typealias Data = AutoconfigTestData

    struct InstructionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var instructions: [String]
        var english: String
        var spanish: String
        var testDescription: String { name }
    }

    @Test(
        "an <enable> instruction in the asked language, else English, else any; our own words only without any",
        arguments: [
            InstructionCase(name: "both languages", instructions: [#"<instruction>On</instruction>"#, #"<instruction lang="es">Activa</instruction>"#],
                            english: "On", spanish: "Activa"),
            InstructionCase(name: "regional tags",
                            instructions: [#"<instruction lang="es-MX">Actívalo</instruction>"#, #"<instruction lang="en-GB">Switch on</instruction>"#],
                            english: "Switch on", spanish: "Actívalo"),
            InstructionCase(name: "English only: Spanish falls back to English",
                            instructions: [#"<instruction lang="de">Ein</instruction>"#, #"<instruction lang="en">On</instruction>"#],
                            english: "On", spanish: "On"),
            InstructionCase(name: "Spanish only: English falls back to any", instructions: [#"<instruction lang="es">Activa</instruction>"#],
                            english: "Activa", spanish: "Activa"),
            InstructionCase(name: "neither: the first in file order",
                            instructions: [#"<instruction lang="de">Ein</instruction>"#, #"<instruction lang="fr">Activez</instruction>"#],
                            english: "Ein", spanish: "Ein"),
            InstructionCase(name: "an empty instruction does not count",
                            instructions: [#"<instruction lang="es"> </instruction>"#, #"<instruction lang="de">Ein</instruction>"#],
                            english: "Ein", spanish: "Ein"),
            InstructionCase(name: "none: our own words", instructions: [],
                            english: "Switch on IMAP access in the T web mail settings before adding this account to a mail program.",
                            spanish: "Activa el acceso IMAP en la configuración del correo web de T antes de añadir esta cuenta a un programa de correo."),
        ]
    )
    func instructionLanguage(_ testCase: InstructionCase) throws {
        let config = ClientConfigParser.parse(Data.document(
            "    <displayName>T</displayName>", Data.goodIncoming, Data.goodOutgoing,
            "    <enable visiturl=\"https://t.example/on\">\(testCase.instructions.joined())</enable>"))
        let query = try MailQuery(parsing: "ana@t.example")
        for (language, expected) in [(Language.english, testCase.english), (.spanish, testCase.spanish)] {
            let result = LookupAssembler.assemble(
                query: query, input: "ana@t.example", findings: [config.finding(source: .autoconfigHTTPS, trusted: true)],
                reports: [], catalog: KnowledgeBase.bundled.notes, options: LookupOptions(language: language))
            let note = try #require(result.notes.first { $0.id == "enable-imap" })
            #expect(note.text == expected, "\(language)")
            #expect(note.kind == .action)
            #expect(note.url == "https://t.example/on")
            #expect(config.notes(language: language).first { $0.id == "enable-imap" }?.text == expected)
        }
    }

    struct DedupCase: Sendable, CustomTestStringConvertible {
        var name: String
        var providerNotes: [NoteRequest]
        var servers: [ServerSettings]
        var trusted: Bool = true
        var ids: [String]
        var testDescription: String { name }
    }

    static let oauthIMAP: ServerSettings = {
        var server = RankingTableTests.server(.imap, "imap.p.test", 993, .tls)
        server.authentication = [.oauth2]
        return server
    }()

    @Test(
        "provider notes and rule notes merge, once per id, actions then warnings then information",
        arguments: [
            DedupCase(name: "OAuth-only from the provider and from the rule", providerNotes: [NoteRequest(id: "oauth-only")],
                      servers: [oauthIMAP, RankingTableTests.smtp], ids: ["oauth-only", "no-pop"]),
            DedupCase(name: "Bridge needed, plain 143 and port 25", providerNotes: [NoteRequest(id: "bridge-required", url: "https://p.test/bridge")],
                      servers: [RankingTableTests.server(.imap, "127.0.0.1", 143, .plain), RankingTableTests.server(.smtp, "127.0.0.1", 25, .plain)],
                      ids: ["bridge-required", "insecure-port", "port-25-blocked", "no-pop"]),
            DedupCase(name: "plain 110 twice, from two servers: one note", providerNotes: [],
                      servers: [RankingTableTests.server(.pop3, "pop.p.test", 110, .plain), RankingTableTests.server(.pop3, "pop2.p.test", 110, .plain),
                                RankingTableTests.smtp],
                      ids: ["insecure-port", "pop-leave-copy"]),
            DedupCase(name: "untrusted source, asked by a source and by the rule", providerNotes: [NoteRequest(id: "untrusted-source")],
                      servers: [RankingTableTests.pop, RankingTableTests.smtp], trusted: false, ids: ["untrusted-source", "pop-leave-copy"]),
            DedupCase(name: "enable-pop twice: the first wins, the URL of any", providerNotes: [NoteRequest(id: "enable-pop"), NoteRequest(id: "enable-pop", url: "https://p.test/pop")],
                      servers: [RankingTableTests.pop, RankingTableTests.smtp], ids: ["enable-pop", "pop-leave-copy"]),
        ]
    )
    func dedup(_ testCase: DedupCase) throws {
        let query = try MailQuery(parsing: "ana@p.test")
        let finding = SourceFinding(
            source: testCase.trusted ? .bundled : .autoconfigHTTP, trusted: testCase.trusted, confidence: .high,
            provider: .init(id: "p", name: "P Mail"), servers: testCase.servers, notes: testCase.providerNotes)
        for language in Language.allCases {
            let notes = LookupAssembler.assemble(
                query: query, input: "ana@p.test", findings: [finding, finding], reports: [],
                catalog: KnowledgeBase.bundled.notes, options: LookupOptions(language: language)
            ).notes
            #expect(notes.map(\.id) == testCase.ids, "\(language)")
            #expect(!notes.contains { $0.text.contains("{") })
            if let enable = notes.first(where: { $0.id == "enable-pop" }) { #expect(enable.url == "https://p.test/pop") }
        }
    }
}
