import Testing

@testable import MailSettings

/// The diagnosis rules, pure: each observed problem gives its verdict id, cause and fix, in
/// English and Spanish.
@Suite("Diagnosis rules")
struct DiagnosisRulesTests {
    static func server(_ mailProtocol: MailProtocol, _ port: Int, _ security: ConnectionSecurity) -> ServerSettings {
        ServerSettings(protocol: mailProtocol, hostname: "mail.example.test", port: port, security: security, username: "")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var server: ServerSettings
        var problem: ProbeProblem?
        var id: String
        var severity: Verdict.Severity
        var fixMentions: String
        var testDescription: String { id }
    }

    static let cases: [Case] = [
        Case(server: server(.pop3, 995, .tls), problem: .noAddress(detail: "NXDOMAIN"), id: "dns-no-address", severity: .problem, fixMentions: "spelling"),
        Case(server: server(.pop3, 995, .tls), problem: .connectionRefused, id: "connection-refused", severity: .problem, fixMentions: "995"),
        Case(server: server(.smtp, 25, .starttls), problem: .connectTimedOut, id: "port-25-blocked", severity: .problem, fixMentions: "587"),
        Case(server: server(.smtp, 587, .starttls), problem: .connectTimedOut, id: "connection-timed-out", severity: .problem, fixMentions: "firewall"),
        Case(server: server(.pop3, 110, .tls), problem: .tlsOnPlainPort, id: "tls-on-plain-port", severity: .problem, fixMentions: "995 with SSL/TLS, or keep port 110 and choose STARTTLS"),
        Case(server: server(.pop3, 995, .starttls), problem: .silentServer, id: "plain-on-tls-port", severity: .problem, fixMentions: "port 110 with STARTTLS"),
        Case(server: server(.smtp, 465, .plain), problem: .silentServer, id: "plain-on-tls-port", severity: .problem, fixMentions: "587"),
        Case(server: server(.pop3, 4110, .plain), problem: .silentServer, id: "server-silent", severity: .problem, fixMentions: "SSL/TLS"),
        Case(server: server(.imap, 993, .tls), problem: .certificateNameMismatch(detail: "it is for other.test"), id: "certificate-name-mismatch", severity: .problem, fixMentions: "certificate"),
        Case(server: server(.imap, 993, .tls), problem: .certificateUntrusted(detail: "self-signed"), id: "certificate-untrusted", severity: .problem, fixMentions: "--cacert"),
        Case(server: server(.pop3, 110, .starttls), problem: .session(SessionFailure(kind: .startTLSNotOffered)), id: "starttls-not-offered", severity: .problem, fixMentions: "995"),
        Case(server: server(.pop3, 995, .tls), problem: .session(SessionFailure(kind: .notThisProtocol, reply: "220 x", guessedProtocol: .smtp)), id: "wrong-protocol", severity: .problem, fixMentions: "995 / 110"),
        Case(server: server(.pop3, 995, .tls), problem: .loginRejected(.badCredentials, reply: "-ERR [AUTH] Authentication failed."), id: "bad-credentials", severity: .problem, fixMentions: "full address"),
        Case(server: server(.pop3, 995, .tls), problem: .loginRejected(.popDisabled, reply: "-ERR [SYS/PERM] not enabled for POP access"), id: "pop-disabled", severity: .problem, fixMentions: "enable POP"),
        Case(server: server(.smtp, 465, .tls), problem: .loginRejected(.appPasswordRequired, reply: "534 5.7.9"), id: "app-password-required", severity: .problem, fixMentions: "app password"),
        Case(server: server(.pop3, 110, .plain), problem: .loginRejected(.encryptionRequired, reply: "-ERR Plaintext authentication disallowed"), id: "encryption-required", severity: .problem, fixMentions: "995"),
        Case(server: server(.imap, 993, .tls), problem: .loginRejected(.oauthOnly, reply: "NO basic authentication is disabled"), id: "oauth-only", severity: .problem, fixMentions: "OAuth2"),
        Case(server: server(.pop3, 995, .tls), problem: .loginRejected(.temporaryFailure, reply: "-ERR [SYS/TEMP]"), id: "temporary-failure", severity: .warning, fixMentions: "minutes"),
        Case(server: server(.pop3, 995, .tls), problem: nil, id: "server-ok", severity: .ok, fixMentions: ""),
        Case(server: server(.pop3, 110, .plain), problem: nil, id: "insecure-connection", severity: .warning, fixMentions: "995"),
    ]

    @Test("each problem's verdict", arguments: cases)
    func verdict(_ example: Case) {
        let observation = ProbeObservation(server: example.server, problem: example.problem)
        let english = DiagnosisRules.verdict(for: observation, language: .english)
        #expect(english.id == example.id)
        #expect(english.severity == example.severity)
        if example.fixMentions.isEmpty {
            #expect(english.fix.isEmpty, "\(english.fix)")
        } else {
            #expect(english.fix.contains(example.fixMentions), "\(english.fix)")
        }
        #expect(!english.cause.isEmpty)
        let spanish = DiagnosisRules.verdict(for: observation, language: .spanish)
        #expect(spanish.id == english.id)
        #expect(spanish.cause != english.cause, "the Spanish text is Spanish")
        #expect(english.subject.hasPrefix("mail.example.test:\(example.server.port) ("))
    }

    @Test(
        "a broken conversation is told in words, never by the session's internal names",
        arguments: [
            (SessionFailure.Kind.lineTooLong, "a line longer than any POP3 reply"),
            (.closedEarly, "hung up in the middle"),
            (.unexpectedReply, "makes no sense at this point"),
        ])
    func brokenConversations(kind: SessionFailure.Kind, words: String) {
        let observation = ProbeObservation(server: Self.server(.pop3, 995, .tls), problem: .session(SessionFailure(kind: kind)))
        for language in [Language.english, .spanish] {
            let verdict = DiagnosisRules.verdict(for: observation, language: language)
            #expect(verdict.id == "protocol-error")
            #expect(!verdict.cause.contains(kind.rawValue) && !verdict.cause.contains(":."), "\(verdict.cause)")
            #expect(!verdict.fix.isEmpty)
            if language == .english { #expect(verdict.cause.contains(words), "\(verdict.cause)") }
        }
    }

    @Test("a reply's control characters never reach the verdict text")
    func repliesAreCleaned() {
        let observation = ProbeObservation(
            server: Self.server(.pop3, 995, .tls), problem: .loginRejected(.badCredentials, reply: "-ERR no\r\n\u{1B}[31mred"))
        let verdict = DiagnosisRules.verdict(for: observation, language: .english)
        #expect(!verdict.cause.contains("\u{1B}") && !verdict.cause.contains("\r"))
    }

    @Test("the person's settings against what works: each difference named, or a match")
    func comparison() {
        let current = Self.server(.pop3, 995, .starttls)
        var best = Self.server(.pop3, 995, .tls)
        best.hostname = "pop.example.test"
        let differ = DiagnosisRules.compare(current: current, with: best, language: .english)
        #expect(differ.id == "settings-differ")
        #expect(differ.fix == "Change server: mail.example.test → pop.example.test; security: STARTTLS → SSL/TLS.")
        let match = DiagnosisRules.compare(current: best, with: best, language: .spanish)
        #expect(match.id == "settings-match" && match.severity == .ok)
    }

    @Test("ports tell the protocol; each protocol has its two ports", arguments: [(110, MailProtocol.pop3), (995, .pop3), (143, .imap), (993, .imap), (25, .smtp), (465, .smtp), (587, .smtp)])
    func ports(port: Int, expected: MailProtocol) {
        #expect(DiagnosisRules.mailProtocol(forPort: port) == expected)
        #expect([DiagnosisRules.implicitTLSPort(expected), DiagnosisRules.startTLSPort(expected), 25].contains(port))
    }
}
