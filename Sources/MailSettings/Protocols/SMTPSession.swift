/// An SMTP submission conversation (RFC 5321, STARTTLS from RFC 3207, AUTH from RFC 4954).
///
/// It reads the greeting (multi-line `220-` greetings too), sends `EHLO` (falling back to
/// `HELO` when EHLO is refused with a 5xx code), upgrades with STARTTLS when the goal says so
/// and sends EHLO again, logs in when given credentials — `AUTH PLAIN` with an initial response
/// when the server lists PLAIN, otherwise `AUTH LOGIN`, also when no AUTH is advertised, so the
/// server's refusal tells why — and ends with `QUIT`.
public struct SMTPSession: MailSession {
    private enum State: Sendable, Hashable {
        case greeting, ehlo, helo, startTLS, tls, authPlain, authPlainContinued, authLogin, quit, done
    }

    private var core: SessionCore
    private var state = State.greeting
    private let clientName: String
    /// The lines of the reply being received, up to its last line.
    private var replyLines: [String] = []
    /// How many 334 challenges AUTH LOGIN has answered.
    private var loginChallenges = 0

    /// Creates a session that will do what `goal` asks and introduce itself as `clientName` in
    /// EHLO (a host name or an address literal such as `[127.0.0.1]`).
    public init(goal: SessionGoal, clientName: String = "localhost") {
        core = SessionCore(protocol: .smtp, goal: goal)
        self.clientName = clientName
    }

    /// What has been learnt so far.
    public var result: SessionResult { core.result }

    /// Waits for the greeting.
    public mutating func start() -> SessionStep { .read }

    /// Takes one line from the server; the lines of a multi-line reply are collected until its
    /// last line.
    public mutating func receive(_ line: String) -> SessionStep {
        guard state != .done else { return core.close() }
        guard core.heard(line) else { return finish() }
        guard let parsed = SMTPReplyLine(line) else {
            if state == .greeting, replyLines.isEmpty {
                core.result.greeting = core.hidingPassword(in: line)
                if let guess = SessionFailure.guessProtocol(fromGreeting: line), guess != .smtp {
                    core.fail(.notThisProtocol, reply: line, guessed: guess)
                } else {
                    core.fail(.badGreeting, reply: line)
                }
                return finish()
            }
            if state == .quit { return finish() }
            return unexpected(line)
        }
        replyLines.append(line)
        guard parsed.isLast else { return .read }
        let lines = replyLines
        replyLines = []
        return handle(code: parsed.code, lines: lines)
    }

    /// Goes on after the TLS handshake: sends EHLO again.
    public mutating func tlsEstablished() -> SessionStep {
        guard state == .tls else { return state == .done ? core.close() : .read }
        core.result.tlsUpgraded = true
        return ehlo()
    }

    /// Ends the session when the server closed the connection.
    public mutating func connectionClosed() -> SessionStep {
        state = .done
        return core.connectionClosed()
    }

    /// Ends the session when the server sent an over-long line.
    public mutating func lineTooLong() -> SessionStep {
        state = .done
        return core.lineTooLong()
    }

    // MARK: - Replies

    private mutating func handle(code: Int, lines: [String]) -> SessionStep {
        let reply = lines.joined(separator: "\n")
        switch state {
        case .greeting:
            core.result.greeting = core.hidingPassword(in: reply)
            guard code == 220 else {
                core.fail(.badGreeting, reply: reply)
                return quit()
            }
            core.result.greetingAccepted = true
            return ehlo()
        case .ehlo:
            if code == 250 {
                readCapabilities(lines.dropFirst())
                return afterHello()
            }
            if (500..<600).contains(code) {
                state = .helo
                return core.send("HELO \(clientName)")
            }
            return unexpected(reply)
        case .helo:
            return code == 250 ? afterHello() : unexpected(reply)
        case .startTLS:
            if code == 220 {
                state = .tls
                return .startTLS
            }
            if (400..<600).contains(code) {
                core.fail(.startTLSRefused, reply: reply)
                return quit()
            }
            return unexpected(reply)
        case .tls:
            return unexpected(reply)
        case .authPlain, .authPlainContinued, .authLogin:
            if code == 235 {
                core.result.login = .accepted
                return quit()
            }
            if (400..<600).contains(code) {
                core.rejectLogin(reply: reply)
                return quit()
            }
            if code == 334, let credentials = core.goal.credentials {
                if state == .authPlain {
                    state = .authPlainContinued
                    return core.send(credentials.plainResponse, shown: "<hidden>")
                }
                if state == .authLogin, loginChallenges < 2 {
                    let answer = loginAnswer(to: lines.last ?? "", credentials)
                    loginChallenges += 1
                    return core.send(Base64.encode(answer.utf8), shown: "<hidden>")
                }
            }
            return unexpected(reply)
        case .quit:
            return finish()
        case .done:
            return core.close()
        }
    }

    /// Reads the EHLO keywords: every line but the first (which names the server).
    private mutating func readCapabilities(_ lines: ArraySlice<String>) {
        core.result.capabilities = []
        core.result.authenticationMechanisms = []
        for line in lines {
            let keyword = core.hidingPassword(in: String(SMTPReplyLine(line)?.text ?? ""))
            core.result.capabilities.append(keyword)
            let words = keyword.split(separator: " ")
            guard let first = words.first?.uppercased() else { continue }
            if first == "STARTTLS", !core.result.tlsUpgraded { core.result.startTLSOffered = true }
            if first == "AUTH" {
                SessionCore.addMechanisms(words.dropFirst(), to: &core.result.authenticationMechanisms)
            } else if first.hasPrefix("AUTH=") {
                // The pre-standard form some servers still send: AUTH=LOGIN PLAIN.
                SessionCore.addMechanisms([words[0].dropFirst(5)] + words.dropFirst(), to: &core.result.authenticationMechanisms)
            }
        }
    }

    /// AUTH LOGIN's challenges are "Username:" and "Password:" in base64; a challenge that says
    /// neither is answered in the usual order.
    private func loginAnswer(to line: String, _ credentials: Credentials) -> String {
        let challenge = SMTPReplyLine(line).flatMap { Base64.decode(String($0.text)) }
            .map { String(decoding: $0, as: UTF8.self).lowercased() } ?? ""
        if challenge.contains("pass") { return credentials.password }
        if challenge.contains("user") { return credentials.username }
        return loginChallenges == 0 ? credentials.username : credentials.password
    }

    // MARK: - Steps

    private mutating func ehlo() -> SessionStep {
        state = .ehlo
        return core.send("EHLO \(clientName)")
    }

    private mutating func afterHello() -> SessionStep {
        if core.goal.startTLS, !core.result.tlsUpgraded {
            guard core.result.startTLSOffered else {
                core.fail(.startTLSNotOffered)
                return quit()
            }
            state = .startTLS
            return core.send("STARTTLS")
        }
        guard let credentials = core.goal.credentials else { return quit() }
        guard credentials.canBeSent else {
            core.fail(.unsendableCredentials)
            return quit()
        }
        if core.result.authenticationMechanisms.contains("PLAIN") {
            state = .authPlain
            return core.send("AUTH PLAIN \(credentials.plainResponse)", shown: "AUTH PLAIN <hidden>")
        }
        state = .authLogin
        loginChallenges = 0
        return core.send("AUTH LOGIN")
    }

    private mutating func unexpected(_ reply: String) -> SessionStep {
        replyLines = []
        core.fail(.unexpectedReply, reply: reply)
        return quit()
    }

    private mutating func quit() -> SessionStep {
        state = .quit
        core.over = true
        return core.send("QUIT")
    }

    private mutating func finish() -> SessionStep {
        state = .done
        return core.close()
    }
}
