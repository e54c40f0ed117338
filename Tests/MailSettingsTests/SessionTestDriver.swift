import Testing

@testable import MailSettings

/// Plays a scripted server against a session, the way the prober drives it over a socket, and
/// checks that the session says exactly what the script expects.
///
/// The script has one entry a line: `S: text` (the server sends a line), `C: text` (the session
/// must send this line), `TLS` (the session must ask for the TLS handshake, which then
/// succeeds), `CLOSE` (the server closes the connection). The session must end with `.close`
/// where the script ends; a script that ends while the session reads closes the connection.
///
/// Server lines go through a ``LineFramer``: each run of consecutive `S:` lines becomes bytes
/// ending in `lineEnd`, handed over in chunks of `chunkSize` bytes.
@discardableResult
func converse<Session: MailSession>(
    _ session: inout Session,
    _ script: String,
    lineEnd: String = "\r\n",
    chunkSize: Int = 4096,
    sourceLocation: SourceLocation = #_sourceLocation
) -> SessionResult {
    var entries = script.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)[...]
    var framer = LineFramer()
    var framed: [String] = []
    var step = session.start()
    #expect(step == .read, "servers speak first", sourceLocation: sourceLocation)
    var turns = 0
    while turns < 1000 {
        turns += 1
        switch step {
        case .read:
            if framed.isEmpty {
                var bytes: [UInt8] = []
                while let next = entries.first, next.hasPrefix("S: ") || next == "S:" {
                    bytes += Array(next.dropFirst(3).utf8) + Array(lineEnd.utf8)
                    entries.removeFirst()
                }
                if bytes.isEmpty {
                    if entries.first == "CLOSE" { entries.removeFirst() }
                    if let next = entries.first {
                        Issue.record("the session reads, the script says \(next)", sourceLocation: sourceLocation)
                    }
                    step = session.connectionClosed()
                    continue
                }
                for start in stride(from: 0, to: bytes.count, by: max(1, chunkSize)) {
                    do {
                        framed += try framer.append(bytes[start..<min(start + chunkSize, bytes.count)])
                    } catch {
                        Issue.record("framer: \(error)", sourceLocation: sourceLocation)
                    }
                }
            }
            step = session.receive(framed.removeFirst())
        case .send(let line):
            if !framed.isEmpty {
                Issue.record("the session sends \(line) with server lines unread: \(framed)", sourceLocation: sourceLocation)
            }
            let expected = entries.popFirst()
            if expected != "C: \(line)" {
                Issue.record(
                    "the session sends \"\(line)\", the script says \(expected ?? "nothing")",
                    sourceLocation: sourceLocation)
                return session.result
            }
            step = .read
        case .startTLS:
            let expected = entries.popFirst()
            if expected != "TLS" {
                Issue.record("the session asks for TLS, the script says \(expected ?? "nothing")", sourceLocation: sourceLocation)
                return session.result
            }
            step = session.tlsEstablished()
        case .close(let result):
            #expect(result == session.result, sourceLocation: sourceLocation)
            if let next = entries.first {
                Issue.record("the session closes, the script goes on with \(next)", sourceLocation: sourceLocation)
            }
            #expect(framer.bufferedByteCount == 0, sourceLocation: sourceLocation)
            return result
        }
    }
    Issue.record("the session never closed", sourceLocation: sourceLocation)
    return session.result
}

/// The transcript in the script's notation, `C: …` and `S: …`, one entry a line.
func transcriptText(_ result: SessionResult) -> [String] {
    result.transcript.map(\.description)
}

/// Checks that `secret` shows nowhere: not in the transcript, the result, the failure, the
/// login outcome, nor in any description, debug description or dump of the result and session.
func expectHidden(
    _ secret: String, result: SessionResult, session: some MailSession,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var dumpedResult = ""
    dump(result, to: &dumpedResult)
    var dumpedSession = ""
    dump(session, to: &dumpedSession)
    let texts = [
        String(describing: result), String(reflecting: result), dumpedResult,
        String(describing: session), String(reflecting: session), dumpedSession,
        result.transcript.map(\.text).joined(separator: "\n"),
    ]
    for text in texts {
        #expect(!text.contains(secret), "the secret shows in: \(text)", sourceLocation: sourceLocation)
    }
}
