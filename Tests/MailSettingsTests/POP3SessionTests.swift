import Testing

@testable import MailSettings

@Suite("POP3 session")
struct POP3SessionTests {
    static let alice = Credentials(username: "alice@example.test", password: "s3cret-Pa55")
    static let plain = "AGFsaWNlQGV4YW1wbGUudGVzdABzM2NyZXQtUGE1NQ=="  // \0alice@example.test\0s3cret-Pa55

    @Test func plainCredentialsEncodeAsExpected() {
        #expect(Self.alice.plainResponse == Self.plain)
    }

    @Test func dovecotWithSTLSAndAuthPlain() {
        var session = POP3Session(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK Dovecot (Debian) ready.
            C: CAPA
            S: +OK
            S: CAPA
            S: TOP
            S: UIDL
            S: RESP-CODES
            S: PIPELINING
            S: AUTH-RESP-CODE
            S: STLS
            S: SASL
            S: .
            C: STLS
            S: +OK Begin TLS negotiation now.
            TLS
            C: CAPA
            S: +OK
            S: CAPA
            S: TOP
            S: UIDL
            S: RESP-CODES
            S: PIPELINING
            S: AUTH-RESP-CODE
            S: USER
            S: SASL plain login
            S: .
            C: AUTH PLAIN \(Self.plain)
            S: +OK Logged in.
            C: QUIT
            S: +OK Logging out.
            """)
        #expect(result.protocol == .pop3)
        #expect(result.greeting == "+OK Dovecot (Debian) ready.")
        #expect(result.greetingAccepted)
        #expect(result.startTLSOffered)
        #expect(result.tlsUpgraded)
        #expect(result.capabilities == ["CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "USER", "SASL plain login"])
        #expect(result.authenticationMechanisms == ["PLAIN", "LOGIN"])
        #expect(result.login == .accepted)
        #expect(result.failure == nil)
        #expect(transcriptText(result).contains("C: AUTH PLAIN <hidden>"))
        #expect(result.transcript.count == 29)
        expectHidden(Self.plain, result: result, session: session)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func gmailWithPOPDisabled() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK Gpop ready for requests from 203.0.113.5 a1mb12345pop
            C: CAPA
            S: +OK Capability list follows
            S: USER
            S: RESP-CODES
            S: EXPIRE 0
            S: LOGIN-DELAY 300
            S: TOP
            S: UIDL
            S: X-GOOGLE-RICO
            S: SASL PLAIN XOAUTH2 OAUTHBEARER
            S: .
            C: AUTH PLAIN \(Self.plain)
            S: -ERR [SYS/PERM] Your account is not enabled for POP access.
            C: QUIT
            S: +OK Farewell.
            """)
        #expect(result.startTLSOffered == false)
        #expect(result.authenticationMechanisms == ["PLAIN", "XOAUTH2", "OAUTHBEARER"])
        #expect(result.login == .rejected(.popDisabled, reply: "-ERR [SYS/PERM] Your account is not enabled for POP access."))
        #expect(result.failure == nil)
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func outlookWithUserAndPass() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK The Microsoft Exchange POP3 service is ready. [UABSADEA]
            C: CAPA
            S: +OK
            S: TOP
            S: UIDL
            S: SASL XOAUTH2
            S: USER
            S: .
            C: USER alice@example.test
            S: +OK
            C: PASS s3cret-Pa55
            S: -ERR Logon failure: unknown user name or bad password.
            C: QUIT
            S: +OK Microsoft Exchange Server POP3 server signing off.
            """)
        #expect(result.login == .rejected(.badCredentials, reply: "-ERR Logon failure: unknown user name or bad password."))
        #expect(transcriptText(result).contains("C: PASS <hidden>"))
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func serverWithoutCAPAGetsUSERAndPASS() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK POP3 server ready <1896.697170952@mail.example.test>
            C: CAPA
            S: -ERR unknown command
            C: USER alice@example.test
            S: +OK
            C: PASS s3cret-Pa55
            S: +OK maildrop has 2 messages (320 octets)
            C: QUIT
            S: +OK
            """)
        #expect(result.capabilities.isEmpty)
        #expect(result.login == .accepted)
        #expect(result.failure == nil)
    }

    @Test func serverWithoutCAPAIsStillAskedForSTLS() {
        var session = POP3Session(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: -ERR unknown command
            C: STLS
            S: -ERR unknown command
            C: QUIT
            S: +OK
            """)
        #expect(result.failure == SessionFailure(kind: .startTLSRefused, reply: "-ERR unknown command"))
        #expect(!result.tlsUpgraded)
    }

    @Test func stlsWithoutCAPABeforeIsNotCountedAsAdvertised() {
        var session = POP3Session(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: -ERR unknown command
            C: STLS
            S: +OK Begin TLS
            TLS
            C: CAPA
            S: +OK
            S: STLS
            S: USER
            S: .
            C: QUIT
            S: +OK
            """)
        #expect(result.tlsUpgraded)
        #expect(!result.startTLSOffered)
        #expect(result.capabilities == ["STLS", "USER"])
        #expect(result.failure == nil)
    }

    @Test func stlsThatCAPADoesNotListIsNotOffered() {
        var session = POP3Session(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: +OK
            S: USER
            S: .
            C: QUIT
            S: +OK
            """)
        #expect(result.failure?.kind == .startTLSNotOffered)
        #expect(result.login == nil)
    }

    @Test func authPlainWithAContinuation() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: +OK
            S: SASL PLAIN
            S: .
            C: AUTH PLAIN \(Self.plain)
            S: +
            C: \(Self.plain)
            S: -ERR [AUTH] Authentication failed.
            C: QUIT
            S: +OK
            """)
        #expect(result.login == .rejected(.badCredentials, reply: "-ERR [AUTH] Authentication failed."))
        #expect(transcriptText(result).filter { $0 == "C: <hidden>" }.count == 1)
        expectHidden(Self.plain, result: result, session: session)
    }

    @Test func userRefusedBeforeTheEncryption() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK Dovecot ready.
            C: CAPA
            S: +OK
            S: STLS
            S: .
            C: USER alice@example.test
            S: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.
            C: QUIT
            S: +OK
            """)
        guard case .rejected(let why, _) = result.login else {
            Issue.record("not rejected: \(String(describing: result.login))")
            return
        }
        #expect(why == .encryptionRequired)
    }

    @Test func dotStuffedCapabilityLinesAreUnstuffed() {
        var session = POP3Session(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: +OK
            S: ..X-DOT
            S: TOP
            S: .
            C: QUIT
            S: +OK
            """)
        #expect(result.capabilities == [".X-DOT", "TOP"])
    }

    @Test("multi-line replies in small chunks, with CRLF or bare LF", arguments: [1, 2, 3, 7], ["\r\n", "\n"])
    func chunks(size: Int, lineEnd: String) {
        var session = POP3Session(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: +OK
            S: TOP
            S: STLS
            S: SASL PLAIN
            S: .
            C: QUIT
            S: +OK
            """, lineEnd: lineEnd, chunkSize: size)
        #expect(result.capabilities == ["TOP", "STLS", "SASL PLAIN"])
        #expect(result.startTLSOffered)
    }

    @Test("a greeting of another protocol", arguments: [
        ("220 mail.example.test ESMTP Postfix", SessionFailure.Kind.notThisProtocol, MailProtocol?.some(.smtp)),
        ("554 5.7.1 No service for you", .notThisProtocol, .smtp),
        ("* OK [CAPABILITY IMAP4rev1] Dovecot ready.", .notThisProtocol, .imap),
        ("-ERR [SYS/TEMP] Too many connections", .badGreeting, nil),
        ("SSH-2.0-OpenSSH_9.2p1 Debian-2", .badGreeting, nil),
        ("", .badGreeting, nil),
    ])
    func wrongGreeting(line: String, kind: SessionFailure.Kind, guess: MailProtocol?) {
        var session = POP3Session(goal: SessionGoal(startTLS: true, credentials: Self.alice))
        let result = converse(&session, "S: \(line)")
        #expect(result.failure == SessionFailure(kind: kind, reply: line, guessedProtocol: guess))
        #expect(!result.greetingAccepted)
        #expect(result.greeting == line)
        #expect(result.transcript.count == 1)
    }

    @Test func latin1GreetingThroughTheFramer() throws {
        var framer = LineFramer()
        var session = POP3Session(goal: SessionGoal())
        #expect(session.start() == .read)
        let lines = try framer.append([0x2B, 0x4F, 0x4B, 0x20, 0x42, 0x69, 0x65, 0x6E, 0x76, 0x65, 0x6E, 0x69, 0x64, 0x6F, 0x20, 0x61, 0x20, 0x45, 0x73, 0x70, 0x61, 0xF1, 0x61, 0x0D, 0x0A])
        #expect(session.receive(lines[0]) == .send("CAPA"))
        #expect(session.result.greeting == "+OK Bienvenido a España")
    }

    @Test func anOverLongLineEndsTheSession() throws {
        var framer = LineFramer(maximumLineBytes: 64)
        var session = POP3Session(goal: SessionGoal())
        _ = session.start()
        #expect(session.receive(try framer.append(Array("+OK ready\r\n".utf8))[0]) == .send("CAPA"))
        let error = #expect(throws: ProtocolError.self) {
            try framer.append(Array("+OK\r\n".utf8) + Array(repeating: UInt8(ascii: "A"), count: 100))
        }
        for line in error?.completeLines ?? [] { #expect(session.receive(line) == .read) }
        guard case .close(let result) = session.lineTooLong() else {
            Issue.record("the session goes on after an over-long line")
            return
        }
        #expect(result.failure?.kind == .lineTooLong)
        #expect(result.transcript.last == TranscriptLine(direction: .server, text: "+OK"))
    }

    @Test func closedDuringTheConversationIsAFailure() {
        var session = POP3Session(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            CLOSE
            """)
        #expect(result.failure == SessionFailure(kind: .closedEarly))
    }

    @Test func closedAfterQUITIsNot() {
        var session = POP3Session(goal: SessionGoal())
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: -ERR no
            C: QUIT
            CLOSE
            """)
        #expect(result.failure == nil)
    }

    @Test func anUnexpectedReplyEndsWithQUIT() {
        var session = POP3Session(goal: SessionGoal(startTLS: true))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: +OK
            S: STLS
            S: .
            C: STLS
            S: 500 what?
            C: QUIT
            S: +OK
            """)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "500 what?"))
        #expect(!result.tlsUpgraded)
    }

    @Test("credentials that cannot be sent", arguments: [
        Credentials(username: "alice\r\nDELE 1", password: "s3cret-Pa55"),
        Credentials(username: "alice", password: "s3cret\nPa55"),
        Credentials(username: "alice", password: "s3cret\0Pa55"),
    ])
    func unsendable(credentials: Credentials) {
        var session = POP3Session(goal: SessionGoal(credentials: credentials))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: -ERR no
            C: QUIT
            S: +OK
            """)
        #expect(result.failure?.kind == .unsendableCredentials)
        #expect(result.login == nil)
    }

    @Test func aPasswordEchoedByTheServerIsHidden() {
        var session = POP3Session(goal: SessionGoal(credentials: Self.alice))
        let result = converse(
            &session,
            """
            S: +OK ready
            C: CAPA
            S: -ERR no
            C: USER alice@example.test
            S: +OK
            C: PASS s3cret-Pa55
            S: -ERR bad password s3cret-Pa55
            C: QUIT
            S: +OK
            """)
        #expect(result.login == .rejected(.unknown, reply: "-ERR bad password <hidden>"))
        expectHidden(Self.alice.password, result: result, session: session)
    }

    @Test func aServerThatNeverStopsIsCutOff() {
        var session = POP3Session(goal: SessionGoal())
        _ = session.start()
        #expect(session.receive("+OK ready") == .send("CAPA"))
        #expect(session.receive("+OK") == .read)
        var step = SessionStep.read
        var fed = 2
        while step == .read, fed < 5000 {
            step = session.receive("X-CAPABILITY-\(fed)")
            fed += 1
        }
        guard case .close(let result) = step else {
            Issue.record("still reading after \(fed) lines")
            return
        }
        #expect(fed == 1001)
        #expect(result.failure == SessionFailure(kind: .unexpectedReply, reply: "X-CAPABILITY-1000"))
        #expect(result.transcript.count == 1001)
        #expect(session.receive(".") == .close(result))
    }

    @Test func credentialsAndGoalNeverShowThePassword() {
        let goal = SessionGoal(credentials: Self.alice)
        for text in [
            String(describing: Self.alice), String(reflecting: Self.alice), String(describing: goal),
            String(reflecting: goal), "\(Self.alice)", "\([Self.alice])",
        ] {
            #expect(!text.contains(Self.alice.password), "\(text)")
            #expect(text.contains("alice@example.test"), "\(text)")
        }
        var dumped = ""
        dump(goal, to: &dumped)
        #expect(!dumped.contains(Self.alice.password))
        #expect(dumped.contains("alice@example.test"))
    }
}
