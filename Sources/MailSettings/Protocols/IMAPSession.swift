/// An IMAP conversation (RFC 9051 and RFC 3501), up to the login.
///
/// It reads the greeting, learns the capabilities (from the greeting's `[CAPABILITY …]`
/// response code when there is one, otherwise with `CAPABILITY`), upgrades with STARTTLS when
/// the goal says so and asks for the capabilities again, logs in with `LOGIN` when given
/// credentials, and ends with `LOGOUT`. Tags are `a1`, `a2`, … in the order commands are sent.
///
/// - A `* PREAUTH` greeting needs no login: with credentials, the login is ``LoginOutcome/accepted``
///   at once. STARTTLS is not allowed after PREAUTH, so with `startTLS` the failure is
///   ``SessionFailure/Kind/startTLSNotOffered``.
/// - When the server advertises LOGINDISABLED, the password is not sent: the login is rejected
///   with ``LoginRejection/encryptionRequired`` (``LoginRejection/unknown`` after a TLS upgrade)
///   and the capability line as the reply.
/// - The user name and password go out as quoted strings, with `\` and `"` escaped and other
///   characters (UTF-8 too) as they are.
/// - Literals (`{n}`) in untagged responses are skipped by counting their bytes, so their
///   content is never read as a response.
public struct IMAPSession: MailSession {
    private enum State: Sendable, Hashable {
        case greeting, capability, startTLS, tls, login, logout, done
    }

    private var core: SessionCore
    private var state = State.greeting
    private var tagNumber = 0
    private var tag = ""
    private var preauthenticated = false
    /// The line the current capability list came from.
    private var capabilityLine = ""
    /// Bytes of a server literal still to skip.
    private var literalRemaining = 0

    /// Creates a session that will do what `goal` asks.
    public init(goal: SessionGoal) {
        core = SessionCore(protocol: .imap, goal: goal)
    }

    /// What has been learnt so far.
    public var result: SessionResult { core.result }

    /// Waits for the greeting.
    public mutating func start() -> SessionStep { .read }

    /// Takes one line from the server.
    public mutating func receive(_ line: String) -> SessionStep {
        guard state != .done else { return core.close() }
        guard core.heard(line) else { return finish() }
        if literalRemaining > 0 {
            skipLiteral(line)
            return .read
        }
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        let first = words.first.map(String.init) ?? ""
        let status = words.count > 1 ? words[1].uppercased() : ""

        if state == .greeting {
            return greeting(line, first: first, status: status)
        }
        if first == "*" {
            noteLiteral(line)
            return untagged(line, status: status)
        }
        if first.lowercased() == tag.lowercased(), ["OK", "NO", "BAD"].contains(status) {
            return tagged(line, ok: status == "OK")
        }
        if state == .logout { return .read }
        return unexpected(line)
    }

    /// Goes on after the TLS handshake: asks for the capabilities again.
    public mutating func tlsEstablished() -> SessionStep {
        guard state == .tls else { return state == .done ? core.close() : .read }
        core.result.tlsUpgraded = true
        return askCapabilities()
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

    // MARK: - Responses

    private mutating func greeting(_ line: String, first: String, status: String) -> SessionStep {
        core.result.greeting = core.hidingPassword(in: line)
        guard first == "*", status == "OK" || status == "PREAUTH" else {
            if first == "*", status == "BYE" {
                core.fail(.badGreeting, reply: line)
            } else if let guess = SessionFailure.guessProtocol(fromGreeting: line), guess != .imap {
                core.fail(.notThisProtocol, reply: line, guessed: guess)
            } else {
                core.fail(.badGreeting, reply: line)
            }
            return finish()
        }
        core.result.greetingAccepted = true
        if status == "PREAUTH" {
            preauthenticated = true
            if core.goal.credentials != nil { core.result.login = .accepted }
        }
        if let atoms = Self.capabilityCode(in: line) {
            setCapabilities(atoms, from: line)
            return afterCapabilities()
        }
        return askCapabilities()
    }

    private mutating func untagged(_ line: String, status: String) -> SessionStep {
        if status == "BYE", state != .logout {
            // The server is closing the connection.
            core.fail(.unexpectedReply, reply: line)
            return finish()
        }
        if state == .capability, status == "CAPABILITY" {
            setCapabilities(Self.atoms(line.split(separator: " ").dropFirst(2)), from: line)
        }
        return .read
    }

    private mutating func tagged(_ line: String, ok: Bool) -> SessionStep {
        switch state {
        case .capability:
            guard ok else { return unexpected(line) }
            if let atoms = Self.capabilityCode(in: line) { setCapabilities(atoms, from: line) }
            return afterCapabilities()
        case .startTLS:
            if ok {
                state = .tls
                return .startTLS
            }
            core.fail(.startTLSRefused, reply: line)
            return logout()
        case .login:
            if ok {
                core.result.login = .accepted
            } else {
                core.rejectLogin(reply: line)
            }
            return logout()
        case .logout, .done:
            return finish()
        case .greeting, .tls:
            return unexpected(line)
        }
    }

    // MARK: - Capabilities

    /// The atoms of a `[CAPABILITY …]` response code right after the status, if there is one.
    private static func capabilityCode(in line: String) -> [String]? {
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[2].uppercased().hasPrefix("[CAPABILITY ") else { return nil }
        let code = words[2].dropFirst().prefix { $0 != "]" }
        return atoms(code.split(separator: " ").dropFirst())
    }

    private static func atoms(_ words: some Sequence<Substring>) -> [String] {
        words.filter { !$0.isEmpty }.map(String.init)
    }

    private mutating func setCapabilities(_ atoms: [String], from line: String) {
        // Hidden like every other server text the result keeps, echoed password included.
        let atoms = atoms.map { core.hidingPassword(in: $0) }
        capabilityLine = core.hidingPassword(in: line)
        core.result.capabilities = atoms
        core.result.authenticationMechanisms = []
        core.result.loginDisabled = false
        for atom in atoms {
            let upper = atom.uppercased()
            if upper == "STARTTLS", !core.result.tlsUpgraded { core.result.startTLSOffered = true }
            if upper == "LOGINDISABLED" { core.result.loginDisabled = true }
            if upper.hasPrefix("AUTH=") {
                SessionCore.addMechanisms([upper.dropFirst(5)], to: &core.result.authenticationMechanisms)
            }
        }
    }

    // MARK: - Literals

    /// Starts skipping when an untagged line ends with a literal's length, `{n}` or `{n+}`.
    private mutating func noteLiteral(_ line: some StringProtocol) {
        guard line.hasSuffix("}"), let open = line.lastIndex(of: "{") else { return }
        var digits = line[line.index(after: open)..<line.index(before: line.endIndex)]
        if digits.hasSuffix("+") { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return }
        // A length too large for Int skips everything that follows; the caller's time-out ends it.
        literalRemaining = Int(digits) ?? Int.max
    }

    /// Counts a line (and its CRLF) against the literal; what follows the literal on the same
    /// line continues the untagged response and may start another literal.
    private mutating func skipLiteral(_ line: String) {
        let size = line.utf8.count
        if size + 2 <= literalRemaining {
            literalRemaining -= size + 2
            return
        }
        let rest = String(decoding: line.utf8.dropFirst(min(literalRemaining, size)), as: UTF8.self)
        literalRemaining = 0
        noteLiteral(rest)
    }

    // MARK: - Commands

    private mutating func command(_ text: String, shown: String? = nil) -> SessionStep {
        tagNumber += 1
        tag = "a\(tagNumber)"
        return core.send("\(tag) \(text)", shown: shown.map { "\(tag) \($0)" })
    }

    private mutating func askCapabilities() -> SessionStep {
        state = .capability
        return command("CAPABILITY")
    }

    private mutating func afterCapabilities() -> SessionStep {
        if core.goal.startTLS, !core.result.tlsUpgraded {
            guard core.result.startTLSOffered, !preauthenticated else {
                core.fail(.startTLSNotOffered)
                return logout()
            }
            state = .startTLS
            return command("STARTTLS")
        }
        guard let credentials = core.goal.credentials, !preauthenticated else { return logout() }
        guard credentials.canBeSent else {
            core.fail(.unsendableCredentials)
            return logout()
        }
        if core.result.loginDisabled {
            core.result.login = .rejected(core.result.tlsUpgraded ? .unknown : .encryptionRequired, reply: capabilityLine)
            return logout()
        }
        state = .login
        let user = Self.quoted(credentials.username)
        return command("LOGIN \(user) \(Self.quoted(credentials.password))", shown: "LOGIN \(user) <hidden>")
    }

    /// An IMAP quoted string: `\` and `"` escaped with a backslash.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    private mutating func unexpected(_ line: String) -> SessionStep {
        core.fail(.unexpectedReply, reply: line)
        return logout()
    }

    private mutating func logout() -> SessionStep {
        state = .logout
        core.over = true
        return command("LOGOUT")
    }

    private mutating func finish() -> SessionStep {
        state = .done
        return core.close()
    }
}
