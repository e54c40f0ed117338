/// What an Exchange Autodiscover "POX" response says: servers, a redirect, or an error.
///
/// Only the Outlook 2006a response schema is read, and only its POP3, IMAP and SMTP protocols;
/// Exchange-only protocols (EXCH, EXPR, WEB) are counted but not turned into servers.
public struct AutodiscoverResponse: Sendable, Hashable {
    /// The response schema a request asks for.
    public static let outlookSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

    /// What the server wants the client to do.
    public enum Action: Sendable, Hashable {
        /// Use the servers listed.
        case settings([ServerSettings])
        /// Ask again for this other address (`redirectAddr`).
        case redirectAddress(String)
        /// Ask again at this URL (`redirectUrl`).
        case redirectURL(String)
        /// The server answered with an error (`ErrorCode`, `Message`).
        case error(code: String, message: String)
    }

    /// The action.
    public var action: Action
    /// Protocols listed that are not POP3, IMAP or SMTP (such as `EXCH`).
    public var otherProtocols: [String]
    /// Problems with single `Protocol` blocks that were skipped, each with its line.
    public var skipped: [String]

    /// Reads a response document.
    ///
    /// - Throws: ``AutodiscoverError`` when the document is not XML or not an Autodiscover response.
    public init(bytes: [UInt8]) throws(AutodiscoverError) {
        let root: XMLNode
        do {
            root = try XMLReader.parse(bytes)
        } catch {
            throw AutodiscoverError(description: "the Autodiscover response is not well-formed XML (\(error.description))")
        }
        guard root.localName == "Autodiscover", let response = root.child(named: "Response") else {
            throw AutodiscoverError(description: "the document is not an Autodiscover response (root <\(root.name)>)")
        }
        if let error = response.child(named: "Error") {
            self.init(action: .error(
                code: Self.value(error, "ErrorCode") ?? "?",
                message: Self.value(error, "Message") ?? ""
            ))
            return
        }
        guard let account = response.child(named: "Account") else {
            throw AutodiscoverError(description: "the Autodiscover response has no <Account>")
        }
        switch Self.value(account, "Action")?.lowercased() {
        case "redirectaddr":
            guard let address = Self.value(account, "RedirectAddr") else {
                throw AutodiscoverError(description: "line \(account.line): redirectAddr without a <RedirectAddr>")
            }
            self.init(action: .redirectAddress(address))
        case "redirecturl":
            guard let url = Self.value(account, "RedirectUrl") else {
                throw AutodiscoverError(description: "line \(account.line): redirectUrl without a <RedirectUrl>")
            }
            self.init(action: .redirectURL(url))
        default:
            var servers: [ServerSettings] = []
            var others: [String] = []
            var skipped: [String] = []
            for block in account.children(named: "Protocol") {
                switch Self.server(block) {
                case .success(let server?): servers.append(server)
                case .success(nil): others.append(Self.value(block, "Type") ?? "?")
                case .failure(let problem): skipped.append(problem.description)
                }
            }
            self.init(action: .settings(servers), otherProtocols: others, skipped: skipped)
        }
    }

    init(action: Action, otherProtocols: [String] = [], skipped: [String] = []) {
        self.action = action
        self.otherProtocols = otherProtocols
        self.skipped = skipped
    }

    /// One `Protocol` block: a server, nil for a protocol we do not configure, or why it is unusable.
    static func server(_ block: XMLNode) -> Result<ServerSettings?, AutodiscoverError> {
        let type = value(block, "Type")?.uppercased() ?? ""
        let proto: MailProtocol
        switch type {
        case "POP3": proto = .pop3
        case "IMAP": proto = .imap
        case "SMTP": proto = .smtp
        default: return .success(nil)
        }
        guard let host = value(block, "Server") else {
            return .failure(AutodiscoverError(description: "line \(block.line): \(type) without a <Server>"))
        }
        // A value from the network: only a real host name goes on (no port, path, IP or control character).
        guard let hostname = try? DomainName(host) else {
            return .failure(AutodiscoverError(description: "line \(block.line): \(type) server \"\(host.debugDescription.dropFirst().dropLast())\" is not a usable host name"))
        }
        guard let portText = value(block, "Port"), let port = Int(portText), (1...65_535).contains(port) else {
            return .failure(AutodiscoverError(description: "line \(block.line): \(type) \(host) has no port from 1 to 65535"))
        }
        let security: ConnectionSecurity
        switch value(block, "Encryption")?.lowercased() {
        case "ssl": security = .tls
        case "tls": security = .starttls
        case "none": security = .plain
        default:
            // No Encryption (or "Auto"): SSL on means encrypted, implicit on the implicit-TLS ports.
            if value(block, "SSL")?.lowercased() == "off" {
                security = .plain
            } else {
                security = [993, 995, 465].contains(port) ? .tls : .starttls
            }
        }
        var username = value(block, "LoginName") ?? Placeholders.emailAddress
        if username.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
            username = Placeholders.emailAddress  // unusable as given: fall back to the address
        }
        let spa = value(block, "SPA")?.lowercased() == "on"
        return .success(ServerSettings(
            protocol: proto,
            hostname: hostname.ascii,
            port: port,
            security: security,
            username: username,
            authentication: [spa ? .ntlm : .passwordCleartext]
        ))
    }

    /// The trimmed text of a child element, or nil when absent or empty.
    static func value(_ node: XMLNode, _ name: String) -> String? {
        guard let child = node.child(named: name) else { return nil }
        let text = child.text.trimmingWhitespace()
        return text.isEmpty ? nil : text
    }
}

/// Why an Autodiscover response could not be used.
public struct AutodiscoverError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line saying what is wrong.
    public var description: String
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
