import MailAutoconfig
import MailSettings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The output lines of `batch`: one per input line, JSON Lines or a short human line.
enum BatchRenderer {
    /// `{"line": N, "input": "…", …the lookup contract's keys…}` or
    /// `{"line": N, "input": "…", "error": "…"}`, on one line.
    static func json(line: Int, input: String, outcome: BatchLookup.Outcome) -> String {
        var members: [(String, JSONValue)] = [("line", .int(line)), ("input", .string(input))]
        switch outcome {
        case .result(let result):
            if case .object(let contract) = result.json { members += contract }
        case .invalid(let message):
            members.append(("error", .string(oneLine(message))))
        }
        return JSONValue.object(members).compact
    }

    /// `alice@gmail.com: POP3 pop.gmail.com:995 SSL/TLS · SMTP smtp.gmail.com:465 SSL/TLS`, the best
    /// incoming and outgoing server; `(none found)` for a side with none; `input: error: …`.
    static func human(input: String, outcome: BatchLookup.Outcome, language: Language) -> String {
        let text = HumanText(language: language)
        switch outcome {
        case .invalid(let message):
            return "\(input): error: \(oneLine(message))"
        case .result(let result):
            let incoming = result.incoming.first.map { server(settings: $0.settings, text: text) }
                ?? "\(language == .spanish ? "entrante" : "incoming") \(text.noneFound)"
            let outgoing = result.outgoing.first.map { server(settings: $0.settings, text: text) }
                ?? "\(language == .spanish ? "saliente" : "outgoing") \(text.noneFound)"
            return "\(input): \(incoming) · \(outgoing)"
        }
    }

    private static func server(settings: ServerSettings, text: HumanText) -> String {
        "\(settings.protocol.displayName) \(settings.hostname):\(settings.port) \(text.security(settings.security))"
    }

    /// A message made one line (messages normally are; this is a guarantee for JSON Lines readers of the human form).
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Whole lines written to standard output with `write(2)`, so each appears as soon as it is ready
/// (no stdio buffering between a slow batch and the script reading it).
enum StandardOutput {
    /// Writes the text and a newline; false when standard output is gone.
    @discardableResult
    static func writeLine(_ line: String) -> Bool {
        var text = line + "\n"
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = SystemCall.write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}

/// Reads standard input through the C library, at most `limit` bytes (more is an error).
enum StandardInput {
    /// The bytes of standard input, or nil when it holds more than `limit` bytes; a read error is
    /// reported as its reason.
    static func read(limit: Int) -> Result<[UInt8]?, FileBytes.Failure> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { SystemCall.read(0, $0.baseAddress!, $0.count) }
            if count > 0 {
                guard bytes.count + count <= limit else { return .success(nil) }
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                return .success(bytes)
            } else if errno != EINTR {
                let reason = strerror(errno).map { String(cString: $0) } ?? "error \(errno)"
                return .failure(FileBytes.Failure(description: reason))
            }
        }
    }
}
