import MailSettings

extension FuzzChecks {
    /// A password no server would send by chance, so that finding it in the output means it leaked.
    static let markerPassword = "Fz9-pass-MARKER"

    /// The invariants of the POP3, SMTP and IMAP session state machines.
    ///
    /// The first byte picks the session and its goal: bits 0–1 the protocol (POP3, SMTP, IMAP,
    /// IMAP), bit 2 STARTTLS, bits 3–4 the credentials (none, a marker password, a marker
    /// password with a line break that must never be sent, a marker user name and password),
    /// bits 5–6 the size of the chunks the bytes arrive in (1, 7, 64 or all), and bit 7 a small
    /// line limit for the ``LineFramer``. The rest is what the server sends. The session is driven
    /// the way the prober does: the bytes go through a ``LineFramer``, every line to
    /// ``MailSession/receive(_:)``, a STARTTLS handshake always succeeds, and when the bytes run
    /// out the server closes the connection.
    ///
    /// The session must wait for the greeting first; always either ask for more or end, within a
    /// bounded number of steps; send no line with CR, LF or NUL in it; once ended, stay ended with
    /// the result it ended with; and the password — as text, or in the base64 forms the session
    /// sends it in — must appear nowhere in the transcript, the greeting, the failure, the login
    /// outcome or the result's description.
    ///
    /// - Returns: the problems found, empty when every invariant holds (and for empty input).
    public static func sessions(_ bytes: [UInt8]) -> [String] {
        guard let mode = bytes.first else { return [] }
        let stream = Array(bytes.dropFirst())

        let credentials: Credentials?
        switch (mode >> 3) & 0x03 {
        case 0: credentials = nil
        case 1: credentials = Credentials(username: "alice@example.com", password: markerPassword)
        case 2: credentials = Credentials(username: "alice@example.com", password: markerPassword + "\r\nNOOP")
        default: credentials = Credentials(username: "fz-user-\u{00E9}", password: markerPassword + "\"\\")
        }
        let goal = SessionGoal(startTLS: mode & 0x04 != 0, credentials: credentials)
        let chunkSize = [1, 7, 64, Int.max][Int((mode >> 5) & 0x03)]
        let framer = LineFramer(maximumLineBytes: mode & 0x80 != 0 ? 40 : 8192)

        var problems = Problems()
        let result: SessionResult
        switch mode & 0x03 {
        case 0:
            var session = POP3Session(goal: goal)
            result = drive(&session, stream, chunkSize: chunkSize, framer: framer, &problems)
        case 1:
            var session = SMTPSession(goal: goal, clientName: "fuzz.example")
            result = drive(&session, stream, chunkSize: chunkSize, framer: framer, &problems)
        default:
            var session = IMAPSession(goal: goal)
            result = drive(&session, stream, chunkSize: chunkSize, framer: framer, &problems)
        }
        if let credentials { checkHidden(credentials, in: result, &problems) }
        return problems.list
    }

    /// Runs one conversation and returns its result; stops early at a step that breaks the
    /// protocol between the session and its driver.
    private static func drive<Session: MailSession>(
        _ session: inout Session, _ stream: [UInt8], chunkSize: Int, framer: LineFramer, _ problems: inout Problems
    ) -> SessionResult {
        var framer = framer
        let size = min(chunkSize, max(stream.count, 1))
        var chunks = stride(from: 0, to: stream.count, by: size).map { stream[$0..<min($0 + size, stream.count)] }[...]
        var lines: [String] = []
        var tooLong = false
        var step = session.start()
        problems.expect(step == .read, "a session that does not wait for the greeting")
        // Every line is read once, and every read line causes at most a send and a handshake.
        let budget = 4 * (stream.count + 8)
        var turns = 0
        while true {
            turns += 1
            guard turns <= budget else {
                problems.add("the session goes round without reading")
                return session.result
            }
            switch step {
            case .read:
                while lines.isEmpty, !tooLong, let chunk = chunks.popFirst() {
                    do {
                        lines += try framer.append(chunk)
                    } catch {
                        lines += error.completeLines
                        tooLong = true
                    }
                }
                if let line = lines.first {
                    lines.removeFirst()
                    step = session.receive(line)
                } else if tooLong {
                    tooLong = false
                    chunks = []  // the prober gives up on the connection
                    step = session.lineTooLong()
                    guard case .close = step else {
                        problems.add("lineTooLong() did not close")
                        return session.result
                    }
                } else {
                    step = session.connectionClosed()
                    guard case .close = step else {
                        problems.add("connectionClosed() did not close")
                        return session.result
                    }
                }
            case .send(let line):
                problems.expect(
                    !line.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" },
                    "the session sends a line with CR, LF or NUL: \(line.debugDescription)")
                step = .read
            case .startTLS:
                step = session.tlsEstablished()
            case .close(let result):
                problems.expect(result == session.result, "the closing result differs from the session's")
                // Ended means ended.
                let afterwards = [
                    session.receive("+OK * 220 a1 OK"), session.tlsEstablished(), session.connectionClosed(),
                    session.lineTooLong(),
                ]
                for next in afterwards {
                    if case .close = next { continue }
                    problems.add("a closed session did \(next)")
                }
                return session.result
            }
        }
    }

    /// The password, in every form the sessions send it, must be nowhere in what they report.
    private static func checkHidden(_ credentials: Credentials, in result: SessionResult, _ problems: inout Problems) {
        let password = Array(credentials.password.utf8)
        let secrets = [
            password,
            Array(base64(password).utf8),
            Array(base64([0] + Array(credentials.username.utf8) + [0] + password).utf8),  // SASL PLAIN
        ]
        var texts = result.transcript.map(\.text)
        texts += [result.greeting ?? "", result.failure?.reply ?? "", String(describing: result), String(reflecting: result)]
        if case .rejected(_, let reply) = result.login { texts.append(reply) }
        for text in texts {
            let haystack = Array(text.utf8)
            problems.expect(
                !secrets.contains { contains(haystack, $0) }, "the password shows in \(text.debugDescription)")
        }
    }

    /// Whether `needle` occurs in `haystack` as a run of bytes.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<$0 + needle.count].elementsEqual(needle)
        }
    }

    /// Standard base64 with padding, as SASL sends it.
    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 0x3F] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
