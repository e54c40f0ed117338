/// A Mozilla autoconfig document (`clientConfig` v1.1, and v1.2 of the IETF draft) as
/// ``ClientConfigParser`` read it: the usable mail servers in file order, what Thunderbird
/// drops but people need (`enable` instructions, documentation pages, POP3 options, OAuth2
/// settings), and the errors and warnings found on the way.
///
/// Placeholders such as `%EMAILADDRESS%` and `%EMAILDOMAIN%` are kept as written; fill them
/// with ``Placeholders`` or let ``LookupAssembler`` do it.
///
/// ```swift
/// let config = ClientConfigParser.parse(bytes)
/// if config.isValid {
///     let finding = config.finding(source: .autoconfigHTTPS, trusted: true)
/// }
/// ```
public struct ClientConfig: Sendable, Hashable {
    /// The `version` attribute of `<clientConfig>` (`1.1`, `1.2`), or nil when absent.
    public var version: String?
    /// The `id` attribute of `<emailProvider>`.
    public var providerID: String?
    /// The mail domains the file serves (`<domain>`), as written.
    public var domains: [String]
    /// Domains given with `purpose="mx"` (v1.2): the MX host domains of a hoster.
    public var mxDomains: [String]
    /// `<displayName>`: the provider's name.
    public var displayName: String?
    /// `<displayShortName>`: the short name people use.
    public var displayShortName: String?
    /// Usable POP3, IMAP and SMTP servers in file order (incoming and outgoing interleaved as written).
    public var servers: [Server]
    /// Server blocks of other protocols (Exchange/EWS, OWA, Graph, ActiveSync, JMAP, CalDAV …),
    /// kept as information; they are not mail servers this package configures.
    public var otherServers: [OtherServer]
    /// `<enable>` blocks, from `<emailProvider>` and from the root (an ISPDB quirk), in file order.
    public var enable: [Enable]
    /// `<documentation>` pages (and the ISPDB's `<instruction url>` pages), in file order.
    public var documentation: [Documentation]
    /// The `<oAuth2>` settings, when given.
    public var oAuth2: OAuth2?
    /// `<clientConfigUpdate url>` (v1.2), when given.
    public var updateURL: String?
    /// Everything found wrong or risky, in the order found.
    public var diagnostics: [ClientConfigDiagnostic]

    /// Creates a document value (normally made by ``ClientConfigParser``).
    public init(
        version: String? = nil,
        providerID: String? = nil,
        domains: [String] = [],
        mxDomains: [String] = [],
        displayName: String? = nil,
        displayShortName: String? = nil,
        servers: [Server] = [],
        otherServers: [OtherServer] = [],
        enable: [Enable] = [],
        documentation: [Documentation] = [],
        oAuth2: OAuth2? = nil,
        updateURL: String? = nil,
        diagnostics: [ClientConfigDiagnostic] = []
    ) {
        self.version = version
        self.providerID = providerID
        self.domains = domains
        self.mxDomains = mxDomains
        self.displayName = displayName
        self.displayShortName = displayShortName
        self.servers = servers
        self.otherServers = otherServers
        self.enable = enable
        self.documentation = documentation
        self.oAuth2 = oAuth2
        self.updateURL = updateURL
        self.diagnostics = diagnostics
    }

    /// Usable POP3 and IMAP servers, in file order.
    public var incoming: [Server] { servers.filter { $0.protocol.isIncoming } }
    /// Usable SMTP servers, in file order.
    public var outgoing: [Server] { servers.filter { !$0.protocol.isIncoming } }
    /// The diagnostics of severity ``ClientConfigDiagnostic/Severity/error``.
    public var errors: [ClientConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The diagnostics of severity ``ClientConfigDiagnostic/Severity/warning``.
    public var warnings: [ClientConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// True when the file offers at least one usable incoming and one usable outgoing server
    /// (the exit status 0 of `autoconf-lookup validate`). Errors about single server blocks do
    /// not make a file invalid as long as other blocks remain usable.
    public var isValid: Bool {
        servers.contains { $0.protocol.isIncoming } && servers.contains { !$0.protocol.isIncoming }
    }
}

extension ClientConfig {
    /// One usable POP3, IMAP or SMTP server block.
    public struct Server: Sendable, Hashable {
        /// POP3, IMAP or SMTP.
        public var `protocol`: MailProtocol
        /// The host name as written (it may hold `%EMAILDOMAIN%`); checked to be a usable host name.
        public var hostname: String
        /// The TCP port, 1–65535.
        public var port: Int
        /// Implicit TLS (`SSL`), STARTTLS or none (`plain`).
        public var security: ConnectionSecurity
        /// The user-name template as written (`%EMAILADDRESS%` …), or nil when the block has none.
        public var username: String?
        /// The known authentication methods, in the file's order of preference, without repeats.
        public var authentication: [AuthenticationMethod]
        /// POP3 options (`<pop3>`), for POP3 servers that give them.
        public var pop3: POP3Options?
        /// The 1-based line of the `<incomingServer>`/`<outgoingServer>` element.
        public var line: Int?

        /// Creates a server.
        public init(
            protocol: MailProtocol,
            hostname: String,
            port: Int,
            security: ConnectionSecurity,
            username: String?,
            authentication: [AuthenticationMethod],
            pop3: POP3Options? = nil,
            line: Int? = nil
        ) {
            self.protocol = `protocol`
            self.hostname = hostname
            self.port = port
            self.security = security
            self.username = username
            self.authentication = authentication
            self.pop3 = pop3
            self.line = line
        }

        /// True when OAuth2 is the only way in (no password method); such a server is usable
        /// and gets the `oauth-only` note.
        public var isOAuthOnly: Bool { settings(defaultUsername: "").isOAuthOnly }

        /// The server as ``ServerSettings``; a missing user name becomes `defaultUsername`.
        public func settings(defaultUsername: String = Placeholders.emailAddress) -> ServerSettings {
            ServerSettings(
                protocol: `protocol`, hostname: hostname, port: port, security: security,
                username: username ?? defaultUsername, authentication: authentication)
        }
    }

    /// The `<pop3>` options of a POP3 server block, which Thunderbird reads and most parsers drop.
    public struct POP3Options: Sendable, Hashable {
        /// `<leaveMessagesOnServer>`: keep a copy of downloaded mail on the server.
        public var leaveMessagesOnServer: Bool?
        /// `<downloadOnBiff>`: download new mail as soon as it is noticed.
        public var downloadOnBiff: Bool?
        /// `<daysToLeaveMessagesOnServer>`: delete server copies after this many days.
        public var daysToLeaveMessagesOnServer: Int?
        /// `<checkInterval minutes>`: check for new mail no more often than this (some servers refuse faster polling).
        public var checkIntervalMinutes: Int?
        /// `<deleteMailLeftOnServer>`: delete server copies when they are deleted locally.
        public var deleteMailLeftOnServer: Bool?

        /// Creates options.
        public init(
            leaveMessagesOnServer: Bool? = nil,
            downloadOnBiff: Bool? = nil,
            daysToLeaveMessagesOnServer: Int? = nil,
            checkIntervalMinutes: Int? = nil,
            deleteMailLeftOnServer: Bool? = nil
        ) {
            self.leaveMessagesOnServer = leaveMessagesOnServer
            self.downloadOnBiff = downloadOnBiff
            self.daysToLeaveMessagesOnServer = daysToLeaveMessagesOnServer
            self.checkIntervalMinutes = checkIntervalMinutes
            self.deleteMailLeftOnServer = deleteMailLeftOnServer
        }
    }

    /// A server block of a protocol other than POP3, IMAP and SMTP (`ews`, `owa`, `graph`,
    /// `exchange`, `activesync`, `jmap`, and the v1.2 `calendar`, `addressbook`, `fileShare` …).
    public struct OtherServer: Sendable, Hashable {
        /// The element: `incomingServer`, `calendar`, `addressbook` …
        public var element: String
        /// The `type` attribute as written.
        public var type: String
        /// `<url>` (or the old `<ewsURL>`/`<owaURL>`), when given.
        public var url: String?
        /// `<hostname>`, when given.
        public var hostname: String?
        /// `<port>`, when given and a number.
        public var port: Int?
        /// `<username>` as written (an unterminated `%EMAILADDRESS` repaired).
        public var username: String?
        /// `<authentication>` values as written.
        public var authentication: [String]
        /// The 1-based line of the element.
        public var line: Int?

        /// Creates a value.
        public init(
            element: String, type: String, url: String? = nil, hostname: String? = nil, port: Int? = nil,
            username: String? = nil, authentication: [String] = [], line: Int? = nil
        ) {
            self.element = element
            self.type = type
            self.url = url
            self.hostname = hostname
            self.port = port
            self.username = username
            self.authentication = authentication
            self.line = line
        }
    }

    /// A text with the language it is written in (`lang` attribute; nil when absent).
    public struct LocalizedText: Sendable, Hashable {
        /// The `lang` attribute as written (`en`, `de`, `pt-BR` …), or nil.
        public var lang: String?
        /// The text, with surrounding white space removed.
        public var text: String

        /// Creates a text.
        public init(lang: String?, text: String) {
            self.lang = lang
            self.text = text
        }

        /// The package language this text is in: English for `en`/`en-US` or no `lang`,
        /// Spanish for `es`/`es-MX`; nil for other languages.
        public var language: Language? {
            guard let lang else { return .english }
            return Language(localeIdentifier: lang)
        }
    }

    /// `<enable visiturl>`: something the person must switch on (POP/IMAP access, a mail password) before the account works.
    public struct Enable: Sendable, Hashable {
        /// The `visiturl` attribute: the page where it is switched on.
        public var visitURL: String?
        /// `<instruction lang>` texts.
        public var instructions: [LocalizedText]
        /// The 1-based line of the element.
        public var line: Int?

        /// Creates a value.
        public init(visitURL: String?, instructions: [LocalizedText], line: Int? = nil) {
            self.visitURL = visitURL
            self.instructions = instructions
            self.line = line
        }
    }

    /// `<documentation url>`: a help page of the provider, with `<descr lang>` texts.
    public struct Documentation: Sendable, Hashable {
        /// The `url` attribute.
        public var url: String?
        /// `<descr lang>` texts.
        public var descriptions: [LocalizedText]
        /// The 1-based line of the element.
        public var line: Int?

        /// Creates a value.
        public init(url: String?, descriptions: [LocalizedText], line: Int? = nil) {
            self.url = url
            self.descriptions = descriptions
            self.line = line
        }
    }

    /// `<oAuth2>`: where a mail program signs in with OAuth2.
    public struct OAuth2: Sendable, Hashable {
        /// `<issuer>`, such as `login.example.com`.
        public var issuer: String?
        /// `<scope>`: space-separated scopes.
        public var scope: String?
        /// `<authURL>`: the authorization endpoint.
        public var authURL: String?
        /// `<tokenURL>`: the token endpoint.
        public var tokenURL: String?
        /// `<clientID>` (v1.2), when given.
        public var clientID: String?

        /// Creates a value.
        public init(issuer: String? = nil, scope: String? = nil, authURL: String? = nil, tokenURL: String? = nil, clientID: String? = nil) {
            self.issuer = issuer
            self.scope = scope
            self.authURL = authURL
            self.tokenURL = tokenURL
            self.clientID = clientID
        }
    }
}
