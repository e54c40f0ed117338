/// The bookkeeping the three sessions share: the result, the transcript with secrets hidden,
/// and how a conversation ends.
struct SessionCore: Sendable {
    var result: SessionResult
    let goal: SessionGoal
    /// True once `.close` was returned.
    private(set) var closed = false
    /// True once the conversation reached its planned end or a failure was recorded: a closed
    /// connection is then no longer a failure of its own.
    var over = false

    init(protocol: MailProtocol, goal: SessionGoal) {
        self.result = SessionResult(protocol: `protocol`)
        self.goal = goal
    }

    /// The most lines a server may send in one conversation. Real conversations up to the
    /// login take a few dozen; a server that sends more is not one the session can talk to, and
    /// the limit keeps the transcript small.
    static let maximumServerLines = 1000
    private var serverLines = 0

    /// Records a line from the server (an echo of the password is hidden too). Past
    /// ``maximumServerLines``, records the failure instead and returns false: the session
    /// must then close.
    mutating func heard(_ line: String) -> Bool {
        serverLines += 1
        guard serverLines <= Self.maximumServerLines else {
            fail(.unexpectedReply, reply: line)
            return false
        }
        result.transcript.append(TranscriptLine(direction: .server, text: hidingPassword(in: line)))
        return true
    }

    /// Records a line for the server and returns the step that sends it; `shown` replaces it in
    /// the transcript when it carries a secret.
    mutating func send(_ line: String, shown: String? = nil) -> SessionStep {
        result.transcript.append(TranscriptLine(direction: .client, text: shown ?? line))
        return .send(line)
    }

    /// Records the first failure only: later ones follow from it.
    mutating func fail(_ kind: SessionFailure.Kind, reply: String? = nil, guessed: MailProtocol? = nil) {
        over = true
        if result.failure == nil {
            result.failure = SessionFailure(kind: kind, reply: reply.map(hidingPassword), guessedProtocol: guessed)
        }
    }

    /// Records the server's refusal of the login, classified.
    mutating func rejectLogin(reply: String) {
        let shown = hidingPassword(in: reply)
        result.login = .rejected(LoginRejection.classify(reply: shown, protocol: result.protocol), reply: shown)
    }

    /// Ends the conversation.
    mutating func close() -> SessionStep {
        over = true
        closed = true
        return .close(result)
    }

    /// What every session does when the connection ends.
    mutating func connectionClosed() -> SessionStep {
        if closed { return .close(result) }
        if !over { fail(.closedEarly) }
        return close()
    }

    /// What every session does when the server sent an over-long line; after `QUIT` or
    /// `LOGOUT` it is no failure of its own.
    mutating func lineTooLong() -> SessionStep {
        if closed { return .close(result) }
        if !over { fail(.lineTooLong) }
        return close()
    }

    /// Replaces the password in text that came from the server: as typed, and in the base64
    /// forms the sessions send it in (`AUTH PLAIN`, and `AUTH LOGIN`'s answer), since a server
    /// may echo a command it did not understand. Passwords shorter than four characters are
    /// left alone: they would match ordinary words.
    func hidingPassword(in text: String) -> String {
        guard let credentials = goal.credentials, credentials.password.count >= 4 else {
            return text
        }
        var bytes = Array(text.utf8)
        var found = false
        for secret in [credentials.plainResponse, Base64.encode(credentials.password.utf8), credentials.password] {
            found = Self.hide(Array(secret.utf8), in: &bytes) || found
        }
        return found ? String(decoding: bytes, as: UTF8.self) : text
    }

    /// Replaces every occurrence of `secret` in `bytes` with `<hidden>` and tells whether there
    /// was one. Bytes, not `Character`s: a combining mark right after the secret would merge with
    /// its last letter into another character and hide it from a comparison of characters.
    private static func hide(_ secret: [UInt8], in bytes: inout [UInt8]) -> Bool {
        guard !secret.isEmpty, bytes.count >= secret.count else { return false }
        var shown: [UInt8] = []
        var index = 0
        var found = false
        while index < bytes.count {
            if index + secret.count <= bytes.count, bytes[index..<index + secret.count].elementsEqual(secret) {
                shown += Array("<hidden>".utf8)
                index += secret.count
                found = true
            } else {
                shown.append(bytes[index])
                index += 1
            }
        }
        if found { bytes = shown }
        return found
    }

    /// Adds mechanisms, upper-cased, keeping the first of each.
    static func addMechanisms(_ names: some Sequence<some StringProtocol>, to list: inout [String]) {
        for name in names where !name.isEmpty {
            let upper = name.uppercased()
            if !list.contains(upper) { list.append(upper) }
        }
    }
}

/// One line of an SMTP reply: a three-digit code, then `-` (more lines follow), a space, or
/// nothing (last line).
struct SMTPReplyLine: Sendable, Hashable {
    var code: Int
    var isLast: Bool
    var text: Substring

    init?(_ line: String) {
        let bytes = Array(line.utf8.prefix(4))
        guard bytes.count >= 3, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(bytes[0]),
            bytes[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        code = bytes[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if bytes.count == 3 {
            isLast = true
            text = ""
        } else if bytes[3] == UInt8(ascii: "-") || bytes[3] == UInt8(ascii: " ") {
            isLast = bytes[3] == UInt8(ascii: " ")
            text = Substring(line.utf8.dropFirst(4))
        } else {
            return nil
        }
    }
}
