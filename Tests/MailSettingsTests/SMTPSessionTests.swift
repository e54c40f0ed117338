import Testing

@testable import MailSettings

@Suite("SMTP session")
struct SMTPSessionTests {
    static let alice = Credentials(username: "alice@example.test", password: "s3cret-Pa55")
    static let plain = "AGFsaWNlQGV4YW1wbGUudGVzdABzM2NyZXQtUGE1NQ=="

    @Test func postfixWithSTARTTLSAndAuthPlain() {
        var session = SMTPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice), clientName: "probe.example.test")
        let result = converse(
            &session,
            """
            S: 220 mail.example.test ESMTP Postfix (Debian/GNU)
            C: EHLO probe.example.test
            S: 250-mail.example.test
            S: 250-PIPELINING
            S: 250-SIZE 10240000
            S: 250-STARTTLS
            S: 250-ENHANCEDSTATUSCODES
            S: 250-8BITMIME
            S: 250 SMTPUTF8
            C: STARTTLS
            S: 220 2.0.0 Ready to start TLS
            TLS
            C: EHLO probe.example.test
            S: 250-mail.example.test
            S: 250-PIPELINING
            S: 250-SIZE 10240000
            S: 250-AUTH PLAIN LOGIN
            S: 250-AUTH=PLAIN LOGIN
            S: 250-ENHANCEDSTATUSCODES
            S: 250 8BITMIME
            C: AUTH PLAIN \(Self.plain)
            S: 235 2.7.0 Authentication successful
            C: QUIT
            S: 221 2.0.0 Bye
            """)
        #expect(result.protocol == .smtp)
        #expect(result.greeting == "220 mail.example.test ESMTP Postfix (Debian/GNU)")
        #expect(result.greetingAccepted)
        #expect(result.startTLSOffered)
        #expect(result.tlsUpgraded)
        #expect(result.capabilities == ["PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME"])
        #expect(result.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(result.login == .accepted)
        #expect(result.failure == nil)
        #expect(transcriptText(result).contains("C: AUTH PLAIN <hidden>"))
        expectHidden(Self.plain, result: result, session: session)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    static let gmailTLS = """
        S: 220 smtp.gmail.com ESMTP a1-20020a170902ee4100b0012345sm12345plh - gsmtp
        C: EHLO localhost
        S: 250-smtp.gmail.com at your service, [203.0.113.5]
        S: 250-SIZE 35882577
        S: 250-8BITMIME
        S: 250-STARTTLS
        S: 250-ENHANCEDSTATUSCODES
        S: 250-PIPELINING
        S: 250-CHUNKING
        S: 250 SMTPUTF8
        C: STARTTLS
        S: 220 2.0.0 Ready to start TLS
        TLS
        C: EHLO localhost
        S: 250-smtp.gmail.com at your service, [203.0.113.5]
        S: 250-SIZE 35882577
        S: 250-8BITMIME
        S: 250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH
        S: 250-ENHANCEDSTATUSCODES
        S: 250-PIPELINING
        S: 250-CHUNKING
        S: 250 SMTPUTF8
        C: AUTH PLAIN \(plain)
        """

    @Test("Gmail refusals", arguments: [
        (["535-5.7.8 Username and Password not accepted. For more information, go to",
          "535 5.7.8  https://support.google.com/mail/?p=BadCredentials a1sm123plh - gsmtp"], LoginRejection.badCredentials),
        (["534-5.7.9 Application-specific password required. For more information, go to",
          "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor a1sm123plh - gsmtp"], .appPasswordRequired),
        (["534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbt>",
          "534-5.7.14 Please log in via your web browser and then try again.",
          "534 5.7.14  Learn more at https://support.google.com/mail/answer/78754 a1sm123plh - gsmtp"], .webLoginRequired),
        (["454 4.7.0 Too many login attempts, please try again later. a1sm123plh - gsmtp"], .accountLocked),
        (["454 4.7.0 Cannot authenticate due to a temporary system problem. Try again later. a1sm123plh - gsmtp"], .temporaryFailure),
    ])
    func gmail(reply: [String], why: LoginRejection) {
        var session = SMTPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let script = Self.gmailTLS + "\n" + reply.map { "S: \($0)" }.joined(separator: "\n") + "\nC: QUIT\nS: 221 2.0.0 closing connection a1sm123plh - gsmtp"
        let result = converse(&session, script, chunkSize: 5)
        #expect(result.login == .rejected(why, reply: reply.joined(separator: "\n")))
        #expect(result.authenticationMechanisms == ["LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"])
        #expect(result.failure == nil)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func outlookWithAuthLogin() {
        var session = SMTPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let user = Base64.encode(Array(Self.alice.username.utf8))
        let password = Base64.encode(Array(Self.alice.password.utf8))
        let reply = "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0123.namprd03.prod.outlook.com 2026-11-27T05:00:00.000Z]"
        let result = converse(
            &session,
            """
            S: 220 BN9PR03CA0123.outlook.office365.com Microsoft ESMTP MAIL Service ready at Fri, 27 Nov 2026 05:00:00 +0000
            C: EHLO localhost
            S: 250-BN9PR03CA0123.outlook.office365.com Hello [203.0.113.5]
            S: 250-SIZE 157286400
            S: 250-PIPELINING
            S: 250-DSN
            S: 250-ENHANCEDSTATUSCODES
            S: 250-STARTTLS
            S: 250-8BITMIME
            S: 250-BINARYMIME
            S: 250-CHUNKING
            S: 250 SMTPUTF8
            C: STARTTLS
            S: 220 2.0.0 SMTP server ready
            TLS
            C: EHLO localhost
            S: 250-BN9PR03CA0123.outlook.office365.com Hello [203.0.113.5]
            S: 250-SIZE 157286400
            S: 250-PIPELINING
            S: 250-DSN
            S: 250-ENHANCEDSTATUSCODES
            S: 250-AUTH LOGIN XOAUTH2
            S: 250-8BITMIME
            S: 250-BINARYMIME
            S: 250-CHUNKING
            S: 250 SMTPUTF8
            C: AUTH LOGIN
            S: 334 VXNlcm5hbWU6
            C: \(user)
            S: 334 UGFzc3dvcmQ6
            C: \(password)
            S: \(reply)
            C: QUIT
            S: 221 2.0.0 Service closing transmission channel
            """)
        #expect(result.login == .rejected(.oauthOnly, reply: reply))
        #expect(result.authenticationMechanisms == ["LOGIN", "XOAUTH2"])
        #expect(transcriptText(result).filter { $0 == "C: <hidden>" }.count == 2)
        expectHidden(password, result: result, session: session)
        expectHidden(user, result: result, session: session)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func authLoginAnswersThePasswordChallengeEvenOutOfOrder() {
        var session = SMTPSession(goal: SessionGoal(credentials: Self.alice))
        let password = Base64.encode(Array(Self.alice.password.utf8))
        let user = Base64.encode(Array(Self.alice.username.utf8))
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            S: 250 AUTH LOGIN
            C: AUTH LOGIN
            S: 334 UGFzc3dvcmQ6
            C: \(password)
            S: 334 dXNlcm5hbWU6
            C: \(user)
            S: 235 ok
            C: QUIT
            S: 221 bye
            """)
        #expect(result.login == .accepted)
    }

    @Test func authLoginAnswersChallengesItCannotReadInTheUsualOrder() {
        var session = SMTPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            S: 250 AUTH LOGIN
            C: AUTH LOGIN
            S: 334
            C: \(Base64.encode(Array(Self.alice.username.utf8)))
            S: 334 not base64!
            C: \(Base64.encode(Array(Self.alice.password.utf8)))
            S: 334 again?
            C: QUIT
            S: 221 bye
            """)
        #expect(result.login == nil)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "334 again?"))
    }

    @Test func authPlainWithAnEmptyChallenge() {
        var session = SMTPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            S: 250 AUTH PLAIN
            C: AUTH PLAIN \(Self.plain)
            S: 334
            C: \(Self.plain)
            S: 235 2.7.0 Authentication successful
            C: QUIT
            S: 221 2.0.0 Bye
            """)
        #expect(result.login == .accepted)
        expectHidden(Self.plain, result: result, session: session)
    }

    @Test func noAuthAdvertisedStillTriesAuthLoginToLearnWhy() {
        var session = SMTPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: 220 mail.example.test ESMTP
            C: EHLO localhost
            S: 250-mail.example.test
            S: 250-STARTTLS
            S: 250 8BITMIME
            C: AUTH LOGIN
            S: 530 5.7.0 Must issue a STARTTLS command first
            C: QUIT
            S: 221 2.0.0 Bye
            """)
        #expect(result.login == .rejected(.encryptionRequired, reply: "530 5.7.0 Must issue a STARTTLS command first"))
        #expect(result.authenticationMechanisms.isEmpty)
        #expect(result.startTLSOffered)
    }

    @Test("a multi-line greeting in chunks, with CRLF or bare LF", arguments: [1, 3, 10], ["\r\n", "\n"])
    func multiLineGreeting(size: Int, lineEnd: String) {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220-mail.example.test ESMTP
            S: 220-Unauthorized use is prohibited.
            S: 220 Ready
            C: EHLO localhost
            S: 250-mail.example.test
            S: 250-STARTTLS
            S: 250 AUTH=LOGIN
            C: QUIT
            S: 221 Bye
            """, lineEnd: lineEnd, chunkSize: size)
        #expect(result.greeting == "220-mail.example.test ESMTP\n220-Unauthorized use is prohibited.\n220 Ready")
        #expect(result.greetingAccepted)
        #expect(result.capabilities == ["STARTTLS", "AUTH=LOGIN"])
        #expect(result.authenticationMechanisms == ["LOGIN"])
    }

    @Test func utf8Greeting() {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220 correo.example.test ESMTP ¡Bienvenido! 📬
            C: EHLO localhost
            S: 250 correo.example.test
            C: QUIT
            S: 221 Adiós
            """)
        #expect(result.greeting == "220 correo.example.test ESMTP ¡Bienvenido! 📬")
        #expect(result.capabilities.isEmpty)
    }

    @Test func a554GreetingIsRefused() {
        var session = SMTPSession(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: 554-mail.example.test
            S: 554 5.7.1 Your address is on a block list
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.failure == SessionFailure(kind: .badGreeting, reply: "554-mail.example.test\n554 5.7.1 Your address is on a block list"))
        #expect(!result.greetingAccepted)
        #expect(result.login == nil)
    }

    @Test("a greeting of another protocol", arguments: [
        ("+OK Dovecot ready.", SessionFailure.Kind.notThisProtocol, MailProtocol?.some(.pop3)),
        ("* OK [CAPABILITY IMAP4rev1] ready", .notThisProtocol, .imap),
        ("HTTP/1.1 400 Bad Request", .badGreeting, nil),
    ])
    func wrongGreeting(line: String, kind: SessionFailure.Kind, guess: MailProtocol?) {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(&session, "S: \(line)")
        #expect(result.failure == SessionFailure(kind: kind, reply: line, guessedProtocol: guess))
    }

    @Test func ehloRefusedFallsBackToHELO() {
        var session = SMTPSession(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: 220 old.example.test SMTP
            C: EHLO localhost
            S: 502 5.5.2 Error: command not recognized
            C: HELO localhost
            S: 250 old.example.test
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.capabilities.isEmpty)
        #expect(result.failure?.kind == .startTLSNotOffered)
    }

    @Test func heloRefusedToo() {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220 odd.example.test SMTP
            C: EHLO localhost
            S: 500 5.5.1 Command unrecognized
            C: HELO localhost
            S: 501 5.5.4 Syntax error
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "501 5.5.4 Syntax error"))
    }

    @Test func closedAfterQUITIsNot() {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250 mx.example.test
            C: QUIT
            CLOSE
            """)
        #expect(result.failure == nil)
        #expect(result.greetingAccepted)
    }

    @Test func startTLSRefused() {
        var session = SMTPSession(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            S: 250 STARTTLS
            C: STARTTLS
            S: 454 4.7.0 TLS not available due to local problem
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.failure == SessionFailure(kind: .startTLSRefused, reply: "454 4.7.0 TLS not available due to local problem"))
        #expect(result.login == nil)
        #expect(!result.tlsUpgraded)
    }

    @Test func aLineThatIsNoReplyIsUnexpected() {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            S: garbage
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "garbage"))
    }

    @Test func closedBeforeTheEHLOReply() {
        var session = SMTPSession(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250-mx.example.test
            CLOSE
            """)
        #expect(result.failure == SessionFailure(kind: .closedEarly))
    }

    @Test func unsendableCredentials() {
        var session = SMTPSession(goal: SessionGoal(credentials: Credentials(username: "alice", password: "pa\r\nss")))
        let result = converse(
            &session,
            """
            S: 220 mx.example.test ESMTP
            C: EHLO localhost
            S: 250 mx.example.test
            C: QUIT
            S: 221 Bye
            """)
        #expect(result.failure?.kind == .unsendableCredentials)
    }
}
