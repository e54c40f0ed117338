import Testing

@testable import MailSettings

/// When a resolution may answer early: pure decisions over pending sources and findings.
@Suite("Early answer policy")
struct EarlyAnswerPolicyTests {
    static func server(_ proto: MailProtocol, _ host: String) -> ServerSettings {
        ServerSettings(
            protocol: proto, hostname: host, port: proto == .smtp ? 465 : 995, security: .tls,
            username: "%EMAILADDRESS%", authentication: [.passwordCleartext])
    }

    static func finding(_ source: SourceID, trusted: Bool = true, _ servers: [(MailProtocol, String)]) -> SourceFinding {
        SourceFinding(source: source, trusted: trusted, confidence: .high, servers: servers.map { server($0.0, $0.1) })
    }

    static let both = [(MailProtocol.pop3, "pop.a.test"), (.smtp, "smtp.a.test")]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var pending: Set<SourceID>
        var findings: [SourceFinding]
        var policy: EarlyAnswerPolicy
        var expected: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "nothing pending: always", pending: [], findings: [], policy: .waitForAll, expected: true),
        Case(name: "waitForAll with a source pending: never", pending: [.autodiscover],
             findings: [finding(.bundled, both)], policy: .waitForAll, expected: false),
        Case(name: "only slow sources pending, trusted servers both ways: yes", pending: [.autodiscover, .autoconfigHTTP],
             findings: [finding(.bundled, both), finding(.ispdb, both)], policy: .whenTrustedSourcesAgree, expected: true),
        Case(name: "a decisive source pending: no", pending: [.ispdb, .autodiscover],
             findings: [finding(.bundled, both)], policy: .whenTrustedSourcesAgree, expected: false),
        Case(name: "trusted findings without outgoing servers: no", pending: [.autodiscover],
             findings: [finding(.srv, [(.pop3, "pop.a.test")])], policy: .whenTrustedSourcesAgree, expected: false),
        Case(name: "only untrusted findings: no", pending: [.autodiscover],
             findings: [finding(.autoconfigHTTP, trusted: false, both)], policy: .whenTrustedSourcesAgree, expected: false),
        Case(name: "trusted findings with no incoming host in common: no", pending: [.autodiscover],
             findings: [finding(.bundled, both), finding(.autoconfigHTTPS, [(.pop3, "pop.b.test"), (.smtp, "smtp.a.test")])],
             policy: .whenTrustedSourcesAgree, expected: false),
        Case(name: "one host in common is agreement, whatever else they list", pending: [.autodiscover],
             findings: [finding(.bundled, both), finding(.srv, [(.pop3, "POP.A.test"), (.imap, "imap.a.test")])],
             policy: .whenTrustedSourcesAgree, expected: true),
        Case(name: "an untrusted finding may disagree", pending: [.autodiscover],
             findings: [finding(.bundled, both), finding(.autoconfigHTTP, trusted: false, [(.pop3, "pop.evil.test"), (.smtp, "smtp.evil.test")])],
             policy: .whenTrustedSourcesAgree, expected: true),
        Case(name: "placeholders are filled in before hosts are compared", pending: [.autodiscover],
             findings: [finding(.bundled, both), finding(.autoconfigHTTPS, [(.pop3, "pop.%EMAILDOMAIN%"), (.smtp, "smtp.%EMAILDOMAIN%")])],
             policy: .whenTrustedSourcesAgree, expected: true),
        Case(name: "a custom set of decisive sources", pending: [.ispdb],
             findings: [finding(.bundled, both)], policy: EarlyAnswerPolicy(decisiveSources: [.bundled]), expected: true),
    ]

    @Test("allowsAnswer", arguments: cases)
    func allowsAnswer(_ example: Case) {
        let query = try! MailQuery(parsing: "alice@a.test")
        #expect(example.policy.allowsAnswer(pending: example.pending, findings: example.findings, for: query) == example.expected)
        // The order of the findings never matters.
        #expect(example.policy.allowsAnswer(pending: example.pending, findings: example.findings.reversed(), for: query) == example.expected)
    }
}
