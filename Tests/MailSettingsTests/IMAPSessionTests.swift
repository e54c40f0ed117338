import Testing

@testable import MailSettings

@Suite("IMAP session")
struct IMAPSessionTests {
    static let alice = Credentials(username: "alice@example.test", password: "s3cret-Pa55")

    @Test func dovecotWithSTARTTLSAndLogin() {
        var session = IMAPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: * OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.
            C: a1 STARTTLS
            S: a1 OK Begin TLS negotiation now.
            TLS
            C: a2 CAPABILITY
            S: * CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=login
            S: a2 OK Pre-login capabilities listed, post-login capabilities have more.
            C: a3 LOGIN "alice@example.test" "s3cret-Pa55"
            S: a3 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT THREAD=REFERENCES] Logged in
            C: a4 LOGOUT
            S: * BYE Logging out
            S: a4 OK Logout completed.
            """)
        #expect(result.protocol == .imap)
        #expect(result.greetingAccepted)
        #expect(result.startTLSOffered)
        #expect(result.tlsUpgraded)
        #expect(!result.loginDisabled)
        #expect(result.capabilities == ["IMAP4rev1", "SASL-IR", "LOGIN-REFERRALS", "ID", "ENABLE", "IDLE", "LITERAL+", "AUTH=PLAIN", "AUTH=login"])
        #expect(result.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(result.login == .accepted)
        #expect(result.failure == nil)
        #expect(transcriptText(result).contains("C: a3 LOGIN \"alice@example.test\" <hidden>"))
        expectHidden(Self.alice.password, result: result, session: session)
    }

    static let gmailStart = """
        S: * OK Gimap ready for requests from 203.0.113.5 a1mb123456abc
        C: a1 CAPABILITY
        S: * CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER AUTH=XOAUTH
        S: a1 OK Thats all she wrote! a1mb123456abc
        C: a2 LOGIN "alice@example.test" "s3cret-Pa55"
        """

    @Test("Gmail refusals", arguments: [
        ("a2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", LoginRejection.badCredentials),
        ("a2 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", .appPasswordRequired),
        ("a2 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)", .webLoginRequired),
        ("a2 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1] Web login required.", .webLoginRequired),
        ("a2 NO [UNAVAILABLE] Temporary System Error", .temporaryFailure),
        ("a2 BAD [ALERT] Something else went wrong", .unknown),
    ])
    func gmail(reply: String, why: LoginRejection) {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(&session, Self.gmailStart + "\nS: \(reply)\nC: a3 LOGOUT\nS: * BYE LOGOUT Requested\nS: a3 OK 73 good day (Success)")
        #expect(result.login == .rejected(why, reply: reply))
        #expect(result.authenticationMechanisms == ["XOAUTH2", "PLAIN", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"])
        #expect(!result.startTLSOffered)
        #expect(result.failure == nil)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func outlook() {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: * OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADEA]
            C: a1 CAPABILITY
            S: * CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+
            S: a1 OK CAPABILITY completed.
            C: a2 LOGIN "alice@example.test" "s3cret-Pa55"
            S: a2 NO LOGIN failed.
            C: a3 LOGOUT
            S: * BYE Microsoft Exchange Server IMAP4 server signing off.
            S: a3 OK LOGOUT completed.
            """, chunkSize: 3)
        #expect(result.login == .rejected(.badCredentials, reply: "a2 NO LOGIN failed."))
    }

    @Test func preauthNeedsNoLogin() {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: * PREAUTH [CAPABILITY IMAP4rev2] Logged in as alice
            C: a1 LOGOUT
            S: * BYE
            S: a1 OK done
            """)
        #expect(result.login == .accepted)
        #expect(result.greetingAccepted)
        #expect(result.capabilities == ["IMAP4rev2"])
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func preauthCannotBeUpgraded() {
        var session = IMAPSession(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: * PREAUTH ready
            C: a1 CAPABILITY
            S: * CAPABILITY IMAP4rev1 STARTTLS
            S: a1 OK done
            C: a2 LOGOUT
            S: a2 OK bye
            """)
        #expect(result.failure?.kind == .startTLSNotOffered)
        #expect(result.login == nil)
    }

    @Test("a greeting that refuses or is another protocol", arguments: [
        ("* BYE Too many connections from your IP", SessionFailure.Kind.badGreeting, MailProtocol?.none),
        ("+OK Dovecot ready.", .notThisProtocol, .pop3),
        ("220 mail.example.test ESMTP", .notThisProtocol, .smtp),
        ("* NO not today", .badGreeting, nil),
        ("hello", .badGreeting, nil),
    ])
    func wrongGreeting(line: String, kind: SessionFailure.Kind, guess: MailProtocol?) {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(&session, "S: \(line)")
        #expect(result.failure == SessionFailure(kind: kind, reply: line, guessedProtocol: guess))
        #expect(result.transcript.count == 1)
    }

    @Test("LOGIN quotes backslashes and double quotes", arguments: [
        (#"al"ice"#, #"p\ss"#, #"a2 LOGIN "al\"ice" "p\\ss""#, #"a2 LOGIN "al\"ice" <hidden>"#),
        ("usuario@españa.es", "contraseña", #"a2 LOGIN "usuario@españa.es" "contraseña""#, #"a2 LOGIN "usuario@españa.es" <hidden>"#),
        ("a b", #"\""#, #"a2 LOGIN "a b" "\\\"""#, #"a2 LOGIN "a b" <hidden>"#),
    ])
    func quoting(user: String, password: String, sent: String, shown: String) {
        var session = IMAPSession(goal: SessionGoal(credentials: Credentials(username: user, password: password)))
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: * CAPABILITY IMAP4rev1
            S: a1 OK done
            C: \(sent)
            S: a2 OK welcome
            C: a3 LOGOUT
            S: a3 OK bye
            """)
        #expect(result.login == .accepted)
        #expect(transcriptText(result).contains("C: \(shown)"))
        #expect(!transcriptText(result).contains("C: \(sent)"))
    }

    @Test("credentials with CR, LF or NUL are never sent", arguments: ["pa\rss", "pa\nss", "pa\0ss"])
    func unsendable(password: String) {
        var session = IMAPSession(goal: SessionGoal(credentials: Credentials(username: "alice", password: password)))
        let result = converse(
            &session,
            """
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: a1 LOGOUT
            S: a1 OK bye
            """)
        #expect(result.failure?.kind == .unsendableCredentials)
        #expect(result.login == nil)
    }

    @Test func loginDisabledKeepsThePasswordHome() {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let line = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready."
        let result = converse(
            &session,
            """
            S: \(line)
            C: a1 LOGOUT
            S: a1 OK bye
            """)
        #expect(result.loginDisabled)
        #expect(result.login == .rejected(.encryptionRequired, reply: line))
    }

    @Test func startTLSNotOffered() {
        var session = IMAPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: * CAPABILITY IMAP4rev1 AUTH=PLAIN
            S: a1 OK done
            C: a2 LOGOUT
            S: * BYE
            S: a2 OK bye
            """)
        #expect(result.failure == SessionFailure(kind: .startTLSNotOffered))
        #expect(result.login == nil)
    }

    @Test func startTLSRefused() {
        var session = IMAPSession(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: * OK [CAPABILITY IMAP4rev1 STARTTLS] ready
            C: a1 STARTTLS
            S: a1 NO [UNAVAILABLE] TLS support isn't enabled.
            C: a2 LOGOUT
            S: a2 OK bye
            """)
        #expect(result.failure == SessionFailure(kind: .startTLSRefused, reply: "a1 NO [UNAVAILABLE] TLS support isn't enabled."))
    }

    @Test func literalsInUntaggedResponsesAreSkipped() {
        var session = IMAPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: * ID ("name" {10}
            S: a1 NO bad ("version" {4+}
            S: a1 OK)
            S: * CAPABILITY IMAP4rev1 STARTTLS
            S: a1 OK done
            C: a2 LOGOUT
            S: a2 OK bye
            """)
        // "a1 NO bad " is the 10 bytes of the first literal, "a1 O" the 4 of the second: neither is a reply.
        #expect(result.failure == nil)
        #expect(result.capabilities == ["IMAP4rev1", "STARTTLS"])
    }

    @Test("literal lengths that are absurd never crash", arguments: ["{99999999999999999999999999}", "{9223372036854775807}", "{}", "{-5}", "{12x}"])
    func absurdLiteral(literal: String) {
        var session = IMAPSession(goal: SessionGoal())
        _ = session.start()
        _ = session.receive("* OK ready")
        #expect(session.receive("* 1 FETCH (BODY[] \(literal)") == .read)
        _ = session.receive("a1 OK done")
        _ = session.receive("")
        guard case .close = session.connectionClosed() else {
            Issue.record("no close")
            return
        }
    }

    @Test func aHugeLiteralHidesTheTaggedReplyUntilTheConnectionCloses() {
        var session = IMAPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: * 1 FETCH (BODY[] {99999999999999999999999999}
            S: a1 OK done
            CLOSE
            """)
        #expect(result.failure == SessionFailure(kind: .closedEarly))
    }

    @Test func aWrongTagIsUnexpected() {
        var session = IMAPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: b7 OK what
            C: a2 LOGOUT
            S: a2 OK bye
            """)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "b7 OK what"))
    }

    @Test func anUntaggedBYEEndsTheSession() {
        var session = IMAPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: * OK ready
            C: a1 CAPABILITY
            S: * BYE Autologout; idle for too long
            """)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "* BYE Autologout; idle for too long"))
        #expect(result.login == nil)
    }

    @Test func closedAfterLOGOUTIsFine() {
        var session = IMAPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: a1 LOGOUT
            S: * BYE
            CLOSE
            """)
        #expect(result.failure == nil)
    }

    @Test func strayLinesDuringLOGOUTAreIgnored() {
        var session = IMAPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: * OK [CAPABILITY IMAP4rev1] ready
            C: a1 LOGOUT
            S: + stray continuation
            S: a0 OK a late reply to nothing
            S: * BYE
            S: a1 OK bye
            """)
        #expect(result.failure == nil)
        #expect(result.transcript.count == 6)
    }

    @Test func eightBitGreetingsThroughTheFramer() throws {
        for (bytes, text) in [
            (Array("* OK Servidor de correo de España listo".utf8), "* OK Servidor de correo de España listo"),
            (Array("* OK Servidor de correo de Espa".utf8) + [0xF1] + Array("a listo".utf8), "* OK Servidor de correo de España listo"),
        ] {
            var framer = LineFramer()
            var session = IMAPSession(goal: SessionGoal())
            _ = session.start()
            let lines = try framer.append(bytes + [0x0A])
            #expect(session.receive(lines[0]) == .send("a1 CAPABILITY"))
            #expect(session.result.greeting == text)
        }
    }
}
