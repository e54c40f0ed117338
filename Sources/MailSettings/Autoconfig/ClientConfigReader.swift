/// The state of one parse: the document being filled in and the diagnostics found so far.
struct ClientConfigReader {
    var config = ClientConfig()
    /// Whether the document had mail server blocks at all, to word "no … server" errors.
    private var sawIncomingBlock = false
    private var sawOutgoingBlock = false

    /// Elements at the root of a v1.2 document that hold servers of other protocols.
    static let rootServerElements: Set<String> = [
        "calendar", "addressbook", "addressBook", "fileShare", "chatServer", "videoConference", "setupServer",
    ]
    /// Types of `<incomingServer>` that are not POP3/IMAP but are known (kept as information).
    static let otherMailTypes: Set<String> = ["ews", "owa", "graph", "exchange", "activesync", "jmap"]

    mutating func error(_ code: ClientConfigDiagnostic.Code, _ line: Int?, _ message: String) {
        config.diagnostics.append(ClientConfigDiagnostic(.error, code, line: line, message))
    }

    mutating func warning(_ code: ClientConfigDiagnostic.Code, _ line: Int?, _ message: String) {
        config.diagnostics.append(ClientConfigDiagnostic(.warning, code, line: line, message))
    }

    // MARK: Document

    mutating func read(_ root: XMLNode) {
        guard root.localName == "clientConfig" else {
            error(
                .wrongRoot, root.line,
                "the root element is <\(root.name)>, not <clientConfig>: this is not a Mozilla autoconfig file")
            return
        }
        readVersion(root)

        let providers = root.children(named: "emailProvider")
        if let provider = providers.first {
            readProvider(provider)
            for extra in providers.dropFirst() {
                warning(.extraEmailProvider, extra.line, "a second <emailProvider> is ignored: mail programs read only the first")
            }
        } else {
            error(.noEmailProvider, root.line, "there is no <emailProvider>: the mail servers belong inside one")
        }

        for child in root.children {
            switch child.localName {
            case "enable":
                readEnable(child)  // an ISPDB quirk: <enable> at the root instead of inside <emailProvider>
            case "oAuth2":
                readOAuth2(child)
            case "clientConfigUpdate":
                config.updateURL = child.attribute("url").map(Self.trimmed)
            case "incomingServer", "outgoingServer":
                warning(
                    .misplacedElement, child.line,
                    "<\(child.localName)> outside <emailProvider> is ignored: move it inside <emailProvider>")
            case let name where Self.rootServerElements.contains(name):
                readOther(child, type: Self.trimmed(child.attribute("type") ?? ""))
            default:
                continue  // unknown elements are never an error
            }
        }
        finish()
    }

    private mutating func readVersion(_ root: XMLNode) {
        guard let version = root.attribute("version").map(Self.trimmed) else {
            warning(.missingVersion, root.line, "<clientConfig> has no version attribute: write version=\"1.1\"")
            return
        }
        config.version = version
        if version != "1.1" && version != "1.2" {
            warning(
                .unknownVersion, root.line,
                "version \"\(version)\" is neither 1.1 nor 1.2: the file is read as 1.1/1.2, and other programs may refuse it")
        }
    }

    private mutating func readProvider(_ provider: XMLNode) {
        config.providerID = provider.attribute("id").map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if config.providerID == nil {
            warning(
                .missingProviderID, provider.line,
                "<emailProvider> has no id attribute: give it the provider's main domain, like id=\"example.com\"")
        }
        for child in provider.children {
            switch child.localName {
            case "domain":
                readDomain(child)
            case "displayName":
                if config.displayName == nil { config.displayName = Self.nonEmpty(child.text) }
            case "displayShortName":
                if config.displayShortName == nil { config.displayShortName = Self.nonEmpty(child.text) }
            case "incomingServer":
                sawIncomingBlock = true
                readServer(child, incoming: true)
            case "outgoingServer":
                sawOutgoingBlock = true
                readServer(child, incoming: false)
            case "documentation":
                readDocumentation(child)
            case "instruction" where child.attribute("url") != nil:
                readDocumentation(child)  // an ISPDB quirk: <instruction url> with <descr> children, a help page
            case "enable":
                readEnable(child)
            default:
                continue
            }
        }
        if config.domains.isEmpty && config.mxDomains.isEmpty {
            warning(.noDomain, provider.line, "<emailProvider> has no <domain>: the file does not say which mail domains it serves")
        }
    }

    private mutating func readDomain(_ node: XMLNode) {
        let text = Self.trimmed(node.text)
        guard !text.isEmpty else {
            warning(.invalidDomain, node.line, "an empty <domain> is ignored")
            return
        }
        if !text.contains("%") {
            do {
                _ = try DomainName(text)
            } catch {
                warning(.invalidDomain, node.line, "domain \(error.description)")
            }
        }
        if node.attribute("purpose").map(Self.trimmed)?.lowercased() == "mx" {
            config.mxDomains.append(text)
        } else {
            config.domains.append(text)
        }
    }

    private mutating func readEnable(_ node: XMLNode) {
        let url = node.attribute("visiturl").map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if let url { checkPageURL(url, attribute: "visiturl", line: node.line) }
        let instructions = node.children(named: "instruction").compactMap(Self.localizedText)
        config.enable.append(ClientConfig.Enable(visitURL: url, instructions: instructions, line: node.line))
    }

    private mutating func readDocumentation(_ node: XMLNode) {
        let url = node.attribute("url").map(Self.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if let url { checkPageURL(url, attribute: "\(node.localName) url", line: node.line) }
        let descriptions = node.children(named: "descr").compactMap(Self.localizedText)
        config.documentation.append(ClientConfig.Documentation(url: url, descriptions: descriptions, line: node.line))
    }

    private mutating func checkPageURL(_ url: String, attribute: String, line: Int?) {
        if url.lowercased().hasPrefix("http://") {
            warning(
                .insecureURL, line,
                "\(attribute) \"\(url)\" is plain http: use an https address, so that the page cannot be altered on the way")
        }
    }

    private mutating func readOAuth2(_ node: XMLNode) {
        func value(_ name: String) -> String? { node.child(named: name).flatMap { Self.nonEmpty($0.text) } }
        config.oAuth2 = ClientConfig.OAuth2(
            issuer: value("issuer"), scope: value("scope"), authURL: value("authURL"),
            tokenURL: value("tokenURL"), clientID: value("clientID"))
    }

    /// The document-wide checks, once every block is read.
    private mutating func finish() {
        if config.oAuth2 == nil {
            for server in config.servers where server.isOAuthOnly {
                warning(
                    .oauthWithoutSettings, server.line,
                    "the \(server.protocol.displayName) server \(server.hostname) accepts only OAuth2, and the file has no <oAuth2> settings: mail programs that do not already know this provider cannot sign in")
            }
        }
        if !config.servers.contains(where: { $0.protocol.isIncoming }) {
            error(
                .noIncomingServer, nil,
                sawIncomingBlock
                    ? "no incoming server left: every POP3/IMAP <incomingServer> has an error above"
                    : "no incoming server: add an <incomingServer type=\"pop3\"> or type=\"imap\" with hostname, port, socketType, authentication and username")
        }
        if !config.servers.contains(where: { !$0.protocol.isIncoming }) {
            error(
                .noOutgoingServer, nil,
                sawOutgoingBlock
                    ? "no outgoing server left: every SMTP <outgoingServer> has an error above"
                    : "no outgoing server: add an <outgoingServer type=\"smtp\"> with hostname, port, socketType, authentication and username")
        }
    }

    // MARK: Text helpers

    /// `text` without ASCII white space (space, tab, CR, LF) at either end.
    static func trimmed(_ text: String) -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let end = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    static func nonEmpty(_ text: String) -> String? {
        let value = trimmed(text)
        return value.isEmpty ? nil : value
    }

    static func localizedText(_ node: XMLNode) -> ClientConfig.LocalizedText? {
        guard let text = nonEmpty(node.text) else { return nil }
        return ClientConfig.LocalizedText(lang: node.attribute("lang").flatMap(nonEmpty), text: text)
    }
}
