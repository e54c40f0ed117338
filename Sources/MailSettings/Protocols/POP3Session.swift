/// A POP3 conversation (RFC 1939, CAPA and STLS from RFC 2449 and RFC 2595, AUTH from RFC 5034).
///
/// It reads the greeting, asks for the capabilities (a server without CAPA is fine), upgrades
/// with STLS when the goal says so, logs in when given credentials — `AUTH PLAIN` when the
/// server lists the PLAIN mechanism, `USER`/`PASS` otherwise — and ends with `QUIT`.
///
/// With `startTLS`, STLS is sent when the server lists it, and also when the server does not
/// answer CAPA (it may still know STLS); when CAPA works and does not list STLS, the failure
/// is ``SessionFailure/Kind/startTLSNotOffered``.
public struct POP3Session: MailSession {
    private enum State: Sendable, Hashable {
        case greeting, capa, capaList, stls, tls, authPlain, authPlainContinued, user, pass, quit, done
    }

    private var core: SessionCore
    private var state = State.greeting
    /// False when the server answered CAPA with -ERR.
    private var capaSupported = true

    /// Creates a session that will do what `goal` asks.
    public init(goal: SessionGoal) {
        core = SessionCore(protocol: .pop3, goal: goal)
    }

    /// What has been learnt so far.
    public var result: SessionResult { core.result }

    /// Waits for the greeting.
    public mutating func start() -> SessionStep { .read }

    /// Takes one line from the server.
    public mutating func receive(_ line: String) -> SessionStep {
        guard state != .done else { return core.close() }
        guard core.heard(line) else { return finish() }
        let ok = line.uppercased().hasPrefix("+OK")
        let error = line.uppercased().hasPrefix("-ERR")
        switch state {
        case .greeting:
            core.result.greeting = core.hidingPassword(in: line)
            guard ok else {
                let guess = SessionFailure.guessProtocol(fromGreeting: line)
                if let guess, guess != .pop3 {
                    core.fail(.notThisProtocol, reply: line, guessed: guess)
                } else {
                    core.fail(.badGreeting, reply: line)
                }
                return finish()
            }
            core.result.greetingAccepted = true
            return askCapabilities()
        case .capa:
            if ok {
                state = .capaList
                return .read
            }
            if error {
                capaSupported = false
                return afterCapabilities()
            }
            return unexpected(line)
        case .capaList:
            if line == "." { return afterCapabilities() }
            // Hidden like every other server text the result keeps, echoed password included.
            let item = core.hidingPassword(in: line.hasPrefix(".") ? String(line.dropFirst()) : line)
            core.result.capabilities.append(item)
            let words = item.split(separator: " ")
            switch words.first?.uppercased() {
            case "STLS" where !core.result.tlsUpgraded: core.result.startTLSOffered = true
            case "SASL": SessionCore.addMechanisms(words.dropFirst(), to: &core.result.authenticationMechanisms)
            default: break
            }
            return .read
        case .stls:
            if ok {
                state = .tls
                return .startTLS
            }
            if error {
                core.fail(.startTLSRefused, reply: line)
                return quit()
            }
            return unexpected(line)
        case .tls:
            return unexpected(line)
        case .authPlain, .authPlainContinued:
            if ok { return accepted() }
            if error { return rejected(line) }
            if state == .authPlain, line == "+" || line.hasPrefix("+ "), let credentials = core.goal.credentials {
                state = .authPlainContinued
                return core.send(credentials.plainResponse, shown: "<hidden>")
            }
            return unexpected(line)
        case .user:
            if ok, let credentials = core.goal.credentials {
                state = .pass
                return core.send("PASS \(credentials.password)", shown: "PASS <hidden>")
            }
            if error { return rejected(line) }
            return unexpected(line)
        case .pass:
            if ok { return accepted() }
            if error { return rejected(line) }
            return unexpected(line)
        case .quit:
            return finish()
        case .done:
            return core.close()
        }
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

    // MARK: - Steps

    private mutating func askCapabilities() -> SessionStep {
        core.result.capabilities = []
        core.result.authenticationMechanisms = []
        capaSupported = true
        state = .capa
        return core.send("CAPA")
    }

    private mutating func afterCapabilities() -> SessionStep {
        if core.goal.startTLS, !core.result.tlsUpgraded {
            if capaSupported, !core.result.startTLSOffered {
                core.fail(.startTLSNotOffered)
                return quit()
            }
            state = .stls
            return core.send("STLS")
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
        state = .user
        return core.send("USER \(credentials.username)")
    }

    private mutating func accepted() -> SessionStep {
        core.result.login = .accepted
        return quit()
    }

    private mutating func rejected(_ line: String) -> SessionStep {
        core.rejectLogin(reply: line)
        return quit()
    }

    private mutating func unexpected(_ line: String) -> SessionStep {
        core.fail(.unexpectedReply, reply: line)
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
