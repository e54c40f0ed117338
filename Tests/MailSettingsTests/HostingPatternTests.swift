import Testing
@testable import MailSettings

@Suite("Hosting patterns")
struct HostingPatternTests {
    let base = KnowledgeBase.bundled
    let domain = try! DomainName("contoso.test")

    @Test(
        "MX hosts identify their provider",
        arguments: [
            ("aspmx.l.google.com", "google-workspace"),
            ("ALT1.ASPMX.L.GOOGLE.COM.", "google-workspace"),
            ("contoso-test.mail.protection.outlook.com", "microsoft-365"),
            ("in1-smtp.messagingengine.com", "fastmail"),
            ("mx.zoho.com", "zoho-org"),
            ("eu-smtp-inbound-1.mimecast.com", "mimecast"),
            ("mx0a-001.pphosted.com", "proofpoint"),
            ("mail.contoso.test", "generic-hosting"),
            ("contoso.test", "generic-hosting"),
        ]
    )
    func matches(host: String, provider: String) {
        #expect(base.hostingMatch(forMXHost: host, domain: domain)?.provider.id == provider)
    }

    @Test("a wildcard does not match its own suffix, and unknown hosts match nothing")
    func noMatch() {
        #expect(base.hostingMatch(forMXHost: "mail.protection.outlook.com", domain: domain)?.provider.id != "microsoft-365")
        #expect(base.hostingMatch(forMXHost: "mx.unknown-host.test", domain: domain) == nil)
        #expect(base.hostingMatch(forMXHost: "mail.other-domain.test", domain: domain) == nil)
    }

    @Test("a filtering relay is noted and the next MX host decides the provider")
    func relayThenProvider() throws {
        let query = try MailQuery(parsing: "bob@contoso.test")
        let result = base.lookup(query, input: "bob@contoso.test", options: .init(mxHosts: [
            "eu-smtp-inbound-1.mimecast.com", "aspmx.l.google.com",
        ]))
        #expect(result.provider?.id == "google-workspace")
        #expect(result.notes.contains { $0.id == "filtering-relay" && $0.text.contains("Mimecast") })
        #expect(result.sources.first?.detail.contains("aspmx.l.google.com") == true)
        #expect(result.incoming.first?.settings.username == "bob@contoso.test")
    }

    @Test("only a relay: no provider, no servers, and the relay note")
    func relayOnly() throws {
        let result = base.lookup(try MailQuery(parsing: "contoso.test"), input: "contoso.test", options: .init(mxHosts: [
            "mx0a-001.pphosted.com",
        ]))
        #expect(result.provider == nil)
        #expect(result.incoming.isEmpty)
        #expect(result.notes.contains { $0.id == "filtering-relay" })
    }

    @Test("generic hosting fills the user's domain into mail.<domain> and ranks it as uncertain")
    func genericHosting() throws {
        let result = base.lookup(try MailQuery(parsing: "bob@contoso.test"), input: "b", options: .init(mxHosts: ["contoso.test"]))
        #expect(result.provider?.id == "generic-hosting")
        #expect(result.incoming.first?.settings.hostname == "mail.contoso.test")
        #expect(result.notes.contains { $0.id == "unverified-settings" } || result.notes.contains { $0.id == "hosting-guess" })
        #expect((result.incoming.first?.score ?? 1) < 0.9)
    }
}

@Suite("Patterns relative to the user's domain, and note placeholders")
struct RelativePatternTests {
    @Test(
        "%EMAILDOMAIN% patterns compare in place",
        arguments: [
            ("mail.contoso.test", "mail.%EMAILDOMAIN%", true),
            ("contoso.test", "%EMAILDOMAIN%", true),
            ("mx.contoso.test", "*.%EMAILDOMAIN%", true),
            ("a.b.contoso.test", "*.%EMAILDOMAIN%", true),
            ("contoso.test", "*.%EMAILDOMAIN%", false),
            ("xcontoso.test", "*.%EMAILDOMAIN%", false),
            ("mail.contoso.test.evil.test", "mail.%EMAILDOMAIN%", false),
            ("webmail.contoso.test", "mail.%EMAILDOMAIN%", false),
            ("mx.contoso.test.hoster.test", "*.%EMAILDOMAIN%.hoster.test", true),
            ("mail.contoso.test", "mail.example.test", false),
        ]
    )
    func relative(host: String, pattern: String, matches: Bool) {
        #expect(HostingPatterns.host(host, matches: pattern, domain: "contoso.test") == matches)
    }

    @Test("note placeholders: known ones filled, unknown and unclosed ones kept as written")
    func fill() {
        let values = ["provider": "X Mail", "host": "smtp.x.test"]
        #expect(NoteCatalog.fill("{provider} on {host}", with: values) == "X Mail on smtp.x.test")
        #expect(NoteCatalog.fill("{nothing} and {provider}", with: values) == "{nothing} and X Mail")
        #expect(NoteCatalog.fill("open { brace {provider", with: values) == "open { brace {provider")
        #expect(NoteCatalog.fill("no braces", with: values) == "no braces")
    }
}
