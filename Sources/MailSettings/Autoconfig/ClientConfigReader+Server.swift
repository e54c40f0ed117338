/// Reading one `<incomingServer>`/`<outgoingServer>` block.
extension ClientConfigReader {
    /// The standard port pairs (RFC 8314): which protocol a port belongs to, and whether it expects TLS at once.
    static let standardPorts: [Int: (protocol: MailProtocol, security: ConnectionSecurity)] = [
        110: (.pop3, .starttls), 995: (.pop3, .tls),
        143: (.imap, .starttls), 993: (.imap, .tls),
        25: (.smtp, .starttls), 587: (.smtp, .starttls), 465: (.smtp, .tls),
    ]

    /// The implicit-TLS and STARTTLS ports of each protocol, for advice.
    static func ports(of mailProtocol: MailProtocol) -> (tls: Int, starttls: Int) {
        switch mailProtocol {
        case .pop3: (995, 110)
        case .imap: (993, 143)
        case .smtp: (465, 587)
        }
    }

    mutating func readServer(_ node: XMLNode, incoming: Bool) {
        let element = node.localName
        let type = Self.trimmed(node.attribute("type") ?? "")
        guard !type.isEmpty else {
            warning(
                .missingType, node.line,
                "<\(element)> has no type attribute and is ignored: write type=\"\(incoming ? "pop3" : "smtp")\" or the protocol it offers")
            return
        }
        let lowered = type.lowercased()
        let mailProtocol: MailProtocol
        switch (incoming, lowered) {
        case (true, "pop3"): mailProtocol = .pop3
        case (true, "imap"): mailProtocol = .imap
        case (false, "smtp"): mailProtocol = .smtp
        case (_, let other) where Self.otherMailTypes.contains(other):
            readOther(node, type: type)
            return
        case (true, "smtp"):
            warning(.typeMismatch, node.line, "an <incomingServer> of type \"smtp\" is ignored: SMTP belongs in <outgoingServer>")
            return
        case (false, "pop3"), (false, "imap"):
            warning(
                .typeMismatch, node.line,
                "an <outgoingServer> of type \"\(type)\" is ignored: \(lowered == "pop3" ? "POP3" : "IMAP") belongs in <incomingServer>")
            return
        default:
            warning(.unknownType, node.line, "\(element) type \"\(type)\" is not a protocol known here; the block is ignored")
            return
        }
        if let server = readMailServer(node, protocol: mailProtocol) {
            config.servers.append(server)
            checkUsable(server)
        }
    }

    /// The usable server, or nil (with an error) when the block cannot be used.
    private mutating func readMailServer(_ node: XMLNode, protocol mailProtocol: MailProtocol) -> ClientConfig.Server? {
        let name = "the \(mailProtocol.displayName) server"
        var usable = true

        // hostname: the first one is read; never repaired.
        var hostname = ""
        let hostnames = node.children(named: "hostname")
        if let first = hostnames.first {
            hostname = Self.trimmed(first.text)
            if let problem = HostnameCheck.problem(hostname) {
                error(.unusableHostname, first.line, "hostname \"\(Self.shown(hostname))\" \(problem); \(name) is ignored")
                usable = false
            }
            warnRepeated(hostnames, what: "hostname")
        } else {
            error(.missingHostname, node.line, "\(name) has no <hostname> and is ignored")
            usable = false
        }

        // port: the first one is read.
        var port = 0
        let ports = node.children(named: "port")
        if let first = ports.first {
            let text = Self.trimmed(first.text)
            if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                let value = text.utf8.count > 6 ? Int.max : Int(text) ?? Int.max
                if (1...65535).contains(value) {
                    port = value
                } else {
                    error(.portOutOfRange, first.line, "port \(text) is out of range (1–65535); \(name) is ignored")
                    usable = false
                }
            } else {
                error(.invalidPort, first.line, "port \"\(Self.shown(text))\" is not a number; \(name) is ignored")
                usable = false
            }
            warnRepeated(ports, what: "port")
        } else {
            error(.missingPort, node.line, "\(name) has no <port> and is ignored")
            usable = false
        }

        // socketType: the first known one is read.
        let security = readSocketType(node, serverName: name)
        if security == nil { usable = false }

        // authentication: every known method, in order.
        let authentication = readAuthentication(node, serverName: name)
        if authentication.isEmpty { usable = false }

        // username: the first one is read; an unterminated %EMAILADDRESS is completed.
        let username = readUsername(node)
        if username == nil, usable,
            !authentication.allSatisfy({ [.none, .clientIPAddress, .tlsClientCertificate].contains($0) })
        {
            warning(
                .missingUsername, node.line,
                "\(name) has no <username>: write the form the server expects, like <username>%EMAILADDRESS%</username>")
        }

        let pop3 = mailProtocol == .pop3 ? node.child(named: "pop3").map(Self.pop3Options) : nil

        guard usable, let security else { return nil }
        return ClientConfig.Server(
            protocol: mailProtocol, hostname: hostname, port: port, security: security,
            username: username, authentication: authentication, pop3: pop3, line: node.line)
    }

    private mutating func warnRepeated(_ nodes: [XMLNode], what: String) {
        for extra in nodes.dropFirst() {
            warning(
                .repeatedElement, extra.line,
                "only the first <\(what)> of a server is read; this one (\"\(Self.shown(Self.trimmed(extra.text)))\") is ignored")
        }
    }

    private mutating func readSocketType(_ node: XMLNode, serverName name: String) -> ConnectionSecurity? {
        let elements = node.children(named: "socketType")
        guard !elements.isEmpty else {
            error(.missingSocketType, node.line, "\(name) has no <socketType> and is ignored: write SSL, STARTTLS or plain")
            return nil
        }
        var unknown: [(value: String, line: Int?)] = []
        for element in elements {
            let value = Self.trimmed(element.text)
            let security: ConnectionSecurity?
            switch value {
            case "SSL": security = .tls
            case "STARTTLS": security = .starttls
            case "plain": security = .plain
            default:
                switch value.lowercased() {
                case "ssl", "tls":
                    security = .tls
                case "starttls":
                    security = .starttls
                case "plain":
                    security = .plain
                default:
                    security = nil
                }
                if let security {
                    let canonical = security == .tls ? "SSL" : security == .starttls ? "STARTTLS" : "plain"
                    warning(
                        .socketTypeSpelling, element.line,
                        "socketType \"\(value)\" is read here as \(canonical), but Thunderbird knows only SSL, STARTTLS and plain: write \(canonical)")
                }
            }
            if let security {
                for skipped in unknown {
                    warning(
                        .unknownSocketType, skipped.line,
                        "socketType \"\(Self.shown(skipped.value))\" is not known; the next one is used")
                }
                return security
            }
            unknown.append((value, element.line))
        }
        let first = unknown[0]
        error(
            .unknownSocketType, first.line,
            "socketType \"\(Self.shown(first.value))\" is not SSL, STARTTLS or plain; \(name) is ignored")
        return nil
    }

    /// The known authentication names, and the old or alternative spellings read as them.
    static let authenticationNames: [String: AuthenticationMethod] = {
        var names: [String: AuthenticationMethod] = [:]
        for method in AuthenticationMethod.known { names[method.rawValue] = method }
        return names
    }()

    private mutating func readAuthentication(_ node: XMLNode, serverName name: String) -> [AuthenticationMethod] {
        var methods: [AuthenticationMethod] = []
        var unknown: [(value: String, line: Int?)] = []
        var sawAny = false
        for element in node.children(named: "authentication") {
            let value = Self.trimmed(element.text)
            guard !value.isEmpty else {
                warning(.emptyAuthentication, element.line, "an empty <authentication> is ignored")
                continue
            }
            sawAny = true
            var method = Self.authenticationNames[value]
            if method == nil {
                let alias: (AuthenticationMethod, String)? =
                    switch value.lowercased() {
                    case "plain": (.passwordCleartext, "the old spelling of")
                    case "secure": (.passwordEncrypted, "the old spelling of")
                    case "oauth": (.oauth2, "the draft's name for")
                    default:
                        Self.authenticationNames.first { $0.key.lowercased() == value.lowercased() }
                            .map { ($0.value, "a different case of") }
                    }
                if let (known, how) = alias {
                    method = known
                    warning(
                        .authenticationSpelling, element.line,
                        "authentication \"\(value)\" is \(how) \(known.rawValue): write \(known.rawValue), which every mail program knows")
                }
            }
            if let method {
                if !methods.contains(method) { methods.append(method) }
            } else if element.attribute("system").map(Self.trimmed)?.lowercased() == "sasl" {
                continue  // a specific SASL mechanism (v1.2): the generic method that should follow is used
            } else {
                unknown.append((value, element.line))
            }
        }
        if methods.isEmpty {
            if let first = unknown.first {
                error(
                    .unknownAuthentication, first.line,
                    "authentication \"\(Self.shown(first.value))\" is not a method known here (password-cleartext, password-encrypted, OAuth2, NTLM, GSSAPI, TLS-client-cert, client-IP-address, none); \(name) is ignored")
            } else {
                error(
                    .missingAuthentication, node.line,
                    "\(name) has no \(sawAny ? "known " : "")<authentication>, and mail programs ignore such a server: add <authentication>password-cleartext</authentication> or the method it uses")
            }
        } else {
            for skipped in unknown {
                warning(
                    .unknownAuthentication, skipped.line,
                    "authentication \"\(Self.shown(skipped.value))\" is not known; it is skipped and the other methods are used")
            }
        }
        return methods
    }

    private mutating func readUsername(_ node: XMLNode) -> String? {
        let usernames = node.children(named: "username")
        guard let first = usernames.first else { return nil }
        warnRepeated(usernames, what: "username")
        return completedPlaceholders(Self.trimmed(first.text), line: first.line)
    }

    /// `%EMAILADDRESS` (and the other placeholder names) without the closing `%` completed, with a warning.
    mutating func completedPlaceholders(_ username: String, line: Int?) -> String? {
        guard !username.isEmpty else { return nil }
        guard username.contains("%") else { return username }
        var result = ""
        var rest = username[...]
        var fixed: [String] = []
        while let start = rest.firstIndex(of: "%") {
            result += rest[..<start]
            let afterPercent = rest[rest.index(after: start)...]
            let name = ["EMAILADDRESS", "EMAILLOCALPART", "EMAILDOMAIN", "REALNAME"].first { afterPercent.hasPrefix($0) }
            guard let name else {
                result += "%"
                rest = afterPercent
                continue
            }
            result += "%\(name)%"
            let afterName = afterPercent.dropFirst(name.count)
            if afterName.first == "%" {
                rest = afterName.dropFirst()
            } else {
                fixed.append(name)
                rest = afterName
            }
        }
        result += rest
        for name in fixed {
            warning(
                .unterminatedPlaceholder, line,
                "username \"\(username)\" lacks the closing % of %\(name)%: it is read as %\(name)%; write it that way")
        }
        return result
    }

    static func pop3Options(_ node: XMLNode) -> ClientConfig.POP3Options {
        func flag(_ name: String) -> Bool? {
            switch node.child(named: name).map({ trimmed($0.text).lowercased() }) {
            case "true"?: true
            case "false"?: false
            default: nil
            }
        }
        func number(_ text: String?) -> Int? { text.map(trimmed).flatMap { Int($0) } }
        return ClientConfig.POP3Options(
            leaveMessagesOnServer: flag("leaveMessagesOnServer"),
            downloadOnBiff: flag("downloadOnBiff"),
            daysToLeaveMessagesOnServer: number(node.child(named: "daysToLeaveMessagesOnServer")?.text),
            checkIntervalMinutes: number(node.child(named: "checkInterval")?.attribute("minutes")),
            deleteMailLeftOnServer: flag("deleteMailLeftOnServer"))
    }

    /// Warnings about a usable server: unencrypted, security/port pairs that do not match, port 25.
    private mutating func checkUsable(_ server: ClientConfig.Server) {
        let line = server.line
        let port = server.port
        let pair = Self.ports(of: server.protocol)
        let standard = Self.standardPorts[port]
        if server.security == .plain {
            let what = server.authentication.contains(.passwordCleartext) ? "sends passwords unencrypted" : "leaves the connection unencrypted"
            warning(
                .plainConnection, line,
                "plain socketType on port \(port) \(what): offer SSL on port \(pair.tls) or STARTTLS on port \(pair.starttls)")
        }
        if let standard {
            if standard.protocol != server.protocol {
                warning(
                    .protocolPortMismatch, line,
                    "port \(port) is the \(standard.protocol.displayName) port, but this is \(server.protocol == .pop3 ? "a" : "an") \(server.protocol.displayName) server: check the port")
            } else if standard.security == .starttls, server.security == .tls {
                warning(
                    .securityPortMismatch, line,
                    "SSL on port \(port) is likely a mismatch: port \(port) is for STARTTLS, and SSL belongs on port \(pair.tls)")
            } else if standard.security == .tls, server.security != .tls {
                let written = server.security == .starttls ? "STARTTLS" : "plain socketType"
                warning(
                    .securityPortMismatch, line,
                    "\(written) on port \(port) is likely a mismatch: port \(port) expects SSL from the first byte\(server.security == .starttls ? ", and STARTTLS belongs on port \(pair.starttls)" : "")")
            }
        }
        if server.protocol == .smtp, port == 25 {
            warning(
                .port25, line,
                "port 25 is blocked for mail programs by many internet providers: offer port 465 (SSL) or 587 (STARTTLS)")
        }
    }

    /// A block of another protocol, kept as information.
    mutating func readOther(_ node: XMLNode, type: String) {
        func first(_ name: String) -> String? { node.child(named: name).flatMap { Self.nonEmpty($0.text) } }
        let username = node.child(named: "username").flatMap { completedPlaceholders(Self.trimmed($0.text), line: $0.line) }
        config.otherServers.append(
            ClientConfig.OtherServer(
                element: node.localName, type: type,
                url: first("url") ?? first("ewsURL") ?? first("owaURL"),
                hostname: first("hostname"),
                port: first("port").flatMap { Int($0) },
                username: username,
                authentication: node.children(named: "authentication").compactMap { Self.nonEmpty($0.text) },
                line: node.line))
    }

    /// A value for a message: control characters shown as `?`, cut at 80 characters.
    static func shown(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars.prefix(80) {
            scalars.append(scalar.properties.generalCategory == .control ? "?" : scalar)
        }
        return String(scalars) + (value.unicodeScalars.count > 80 ? "…" : "")
    }
}
