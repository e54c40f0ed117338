import Testing

@testable import MailSettings

/// Sample accounts and read-back helpers shared by the export tests.
enum ExportSample {
    static let address = try! EmailAddress("alice@example.com")

    static func pop3(_ host: String = "pop.example.com", port: Int = 995, security: ConnectionSecurity = .tls, user: String = "alice@example.com") -> ServerSettings {
        ServerSettings(protocol: .pop3, hostname: host, port: port, security: security, username: user)
    }

    static func imap(_ host: String = "imap.example.com", port: Int = 993, security: ConnectionSecurity = .tls, user: String = "alice@example.com") -> ServerSettings {
        ServerSettings(protocol: .imap, hostname: host, port: port, security: security, username: user)
    }

    static func smtp(_ host: String = "smtp.example.com", port: Int = 465, security: ConnectionSecurity = .tls, user: String = "alice@example.com") -> ServerSettings {
        ServerSettings(protocol: .smtp, hostname: host, port: port, security: security, username: user)
    }

    static func account(
        incoming: ServerSettings? = pop3(), outgoing: ServerSettings? = smtp(), name: String? = "Alice Liddell",
        passwordCommand: String? = nil, address: EmailAddress = address
    ) -> ExportAccount {
        ExportAccount(address: address, displayName: name, incoming: incoming, outgoing: outgoing, passwordCommand: passwordCommand)
    }

    /// A fixed UUID sequence, for repeatable `.mobileconfig` files.
    final class Counter: @unchecked Sendable {
        private var next = 0
        func uuid() -> String {
            next += 1
            return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(next).count) + String(next)
        }
    }

    static func writer(_ format: ExportFormat) -> any ClientConfigWriter {
        let counter = Counter()
        return ExportWriters.writer(for: format, uuid: { counter.uuid() })
    }

    /// The plist's `<dict>` of the mail payload as key → text (DOCTYPE removed: our XML reader refuses DTDs).
    static func mobileconfigPayload(_ text: String) throws -> (profile: [String: String], payload: [String: String]) {
        let withoutDoctype = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("<!DOCTYPE") }.joined(separator: "\n")
        let root = try XMLReader.parse(withoutDoctype)
        func pairs(_ dict: XMLNode) -> [String: String] {
            var result: [String: String] = [:]
            var key: String?
            for child in dict.children {
                if child.localName == "key" {
                    key = child.text
                } else if let current = key {
                    result[current] = child.localName == "string" || child.localName == "integer" ? child.text : child.localName
                    key = nil
                }
            }
            return result
        }
        let profile = try #require(root.child(named: "dict"))
        let payload = try #require(profile.child(named: "array")?.child(named: "dict"))
        return (pairs(profile), pairs(payload))
    }

    /// The argument of the first line starting with `command ` in an msmtp/mpop file, as msmtp reads it.
    static func msmtpValue(_ text: String, _ command: String) -> String? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(command + " ") }) else { return nil }
        var value = line.dropFirst(command.count + 1)
        if value.count >= 2, value.first == "\"", value.last == "\"" { value = value.dropFirst().dropLast() }
        return String(value)
    }

    /// A fetchmail quoted string decoded (`\xhh` only, which is all the writer uses).
    static func fetchmailDecode(_ quoted: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(quoted.utf8)
        utf8 = Array(utf8.dropFirst().dropLast())
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count + 0, utf8[index + 1] == UInt8(ascii: "x") {
                bytes.append(UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)!)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A percent-encoded URL part decoded.
    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count {
                bytes.append(UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)!)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A NeoMutt double-quoted string decoded the way NeoMutt reads the escapes the writer uses.
    static func neomuttDecode(_ quoted: Substring) -> String {
        var result = ""
        var escaped = false
        for character in quoted.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
