import Foundation
import MailSettings
import Testing

/// Where the test data lives: fixtures next to this file, the ISPDB in `../shared/data/ispdb`.
enum AutoconfigTestData {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures/autoconfig")
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let ispdb = repository.deletingLastPathComponent().appendingPathComponent("shared/data/ispdb")
    static let reference = repository.deletingLastPathComponent().appendingPathComponent("shared/reference")

    static var ispdbAvailable: Bool {
        FileManager.default.fileExists(atPath: ispdb.path) || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1"
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    static func fixture(_ name: String) throws -> ClientConfig {
        ClientConfigParser.parse(try bytes(fixtures.appendingPathComponent(name)))
    }

    /// A document whose `<emailProvider>` starts on line 3 and whose first given block starts on line 5.
    static func document(_ blocks: String...) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="t.example">
            <domain>t.example</domain>
        \(blocks.joined(separator: "\n"))
          </emailProvider>
        </clientConfig>
        """
    }

    /// A server block of seven lines (element, hostname, port, socketType, authentication, username, end).
    static func server(
        _ element: String = "incomingServer", type: String = "imap", hostname: String = "imap.t.example",
        port: String = "993", socketType: String = "SSL", authentication: String = "password-cleartext",
        username: String = "%EMAILADDRESS%"
    ) -> String {
        """
            <\(element) type="\(type)">
              <hostname>\(hostname)</hostname>
              <port>\(port)</port>
              <socketType>\(socketType)</socketType>
              <authentication>\(authentication)</authentication>
              <username>\(username)</username>
            </\(element)>
        """
    }

    static let goodIncoming = server()
    static let goodOutgoing = server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "465")
}

@Suite("clientConfig parser")
struct ClientConfigParserTests {
    typealias Data = AutoconfigTestData

    @Test("a complete file: servers in file order, placeholders as written, POP3 options, enable, notes")
    func validFixture() throws {
        let config = try Data.fixture("valid-pop3.xml")
        #expect(config.isValid)
        #expect(config.diagnostics.isEmpty, "\(config.diagnostics)")
        #expect(config.version == "1.1")
        #expect(config.providerID == "hoster.example")
        #expect(config.domains == ["hoster.example"])
        #expect(config.displayName == "Hoster Example Mail")
        #expect(config.displayShortName == "Hoster")
        #expect(config.servers.map(\.protocol) == [.pop3, .smtp])
        let pop = try #require(config.incoming.first)
        #expect(pop.hostname == "pop.hoster.example" && pop.port == 995 && pop.security == .tls)
        #expect(pop.username == "%EMAILADDRESS%")
        #expect(pop.authentication == [.passwordCleartext])
        #expect(pop.line == 7)
        #expect(pop.pop3 == ClientConfig.POP3Options(leaveMessagesOnServer: true, checkIntervalMinutes: 10))
        #expect(config.outgoing.first?.line == 18)
        #expect(config.enable.count == 1)
        #expect(config.enable.first?.visitURL == "https://webmail.hoster.example/settings/access")
        #expect(config.enable.first?.instructions.map(\.lang) == [nil, "es"])
    }

    @Test("finding: servers as ServerSettings, provider, and the enable note with its texts and https url")
    func finding() throws {
        let config = try Data.fixture("valid-pop3.xml")
        let finding = config.finding(source: .autoconfigHTTPS, trusted: true)
        #expect(finding.source == .autoconfigHTTPS)
        #expect(finding.trusted)
        #expect(finding.provider == LookupResult.ProviderSummary(id: "hoster.example", name: "Hoster Example Mail"))
        #expect(finding.servers == [
            ServerSettings(protocol: .pop3, hostname: "pop.hoster.example", port: 995, security: .tls, username: "%EMAILADDRESS%"),
            ServerSettings(protocol: .smtp, hostname: "smtp.hoster.example", port: 465, security: .tls, username: "%EMAILADDRESS%"),
        ])
        let note = try #require(finding.notes.first)
        #expect(note.id == "enable-pop")  // the file offers POP3 only
        #expect(note.kind == .action)
        #expect(note.url == "https://webmail.hoster.example/settings/access")
        #expect(note.texts?[.english] == "Turn on access for mail programs in the webmail settings first.")
        #expect(note.texts?[.spanish] == "Primero activa el acceso para programas de correo en el webmail.")

        // Through the lookup's assembler: placeholders filled, the note rendered in Spanish.
        let query = try MailQuery(parsing: "ana@hoster.example")
        let result = LookupAssembler.assemble(
            query: query, input: "ana@hoster.example", findings: [finding], reports: [],
            catalog: KnowledgeBase.bundled.notes, options: LookupOptions(language: .spanish))
        #expect(result.incoming.first?.settings.username == "ana@hoster.example")
        #expect(result.notes.first?.text == "Primero activa el acceso para programas de correo en el webmail.")
    }

    @Test("enable note ids, and our own texts only where the block has no instruction at all")
    func enableNotes() {
        let imapOnly = ClientConfigParser.parse(Data.document(
            Data.goodIncoming, Data.goodOutgoing,
            #"    <enable visiturl="http://t.example/enable"></enable>"#))
        let request = imapOnly.noteRequests.first
        #expect(request?.id == "enable-imap")
        #expect(request?.url == nil)  // plain http is not passed on as a page to visit
        #expect(request?.texts?[.english]?.contains("IMAP") == true)
        #expect(request?.texts?[.spanish]?.contains("IMAP") == true)
        #expect(imapOnly.warnings.contains { $0.code == .insecureURL && $0.line == 19 })

        let both = ClientConfigParser.parse(Data.document(
            Data.goodIncoming, Data.server(type: "pop3", hostname: "pop.t.example", port: "995"), Data.goodOutgoing,
            "    <enable><instruction>Switch it on</instruction></enable>"))
        #expect(both.noteRequests.first?.id == "enable-access")
        #expect(both.noteRequests.first?.texts?[.english] == "Switch it on")
    }

    @Test("notes as a lookup gives them: file actions, then the rules (insecure port, port 25, OAuth2-only)")
    func notes() throws {
        let config = ClientConfigParser.parse(Data.document(
            Data.server(type: "pop3", hostname: "pop.t.example", port: "110", socketType: "plain"),
            Data.server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "25", socketType: "STARTTLS"),
            Data.server("outgoingServer", type: "smtp", hostname: "smtp2.t.example", port: "465", authentication: "OAuth2")))
        let ids = config.notes(language: .english).map(\.id)
        #expect(ids.contains("insecure-port"))
        #expect(ids.contains("port-25-blocked"))
        #expect(ids.contains("oauth-only"))  // the second SMTP server is usable, with OAuth2 only
        #expect(config.servers.count == 3)
        #expect(config.isValid)
    }

    @Test("the draft's v1.2 sample parses: mail servers kept, JMAP/EWS/ActiveSync and root servers as other protocols",
          .enabled(if: AutoconfigTestData.ispdbAvailable, "needs ../shared/reference"))
    func draftSample() throws {
        let config = ClientConfigParser.parse(try Data.bytes(Data.reference.appendingPathComponent("autoconfig-sample.xml")))
        #expect(config.isValid)
        #expect(config.version == "1.2")
        #expect(config.errors.isEmpty, "\(config.errors)")
        #expect(config.servers.map(\.hostname) == ["imap.example.com", "pop.example.com", "smtp.googlemail.com"])
        #expect(config.otherServers.map(\.type) == ["jmap", "ews", "activesync", "carddav", "caldav", "webdav", "xmpp", "xmpp", "opentalk"])
        #expect(config.otherServers.first?.url == "https://jmap.example.com")
        #expect(config.oAuth2?.tokenURL == "https://login.example.com/token")
        #expect(config.oAuth2?.clientID == "open")
        #expect(config.updateURL == "https://www.example.com/config/mail.xml")
        #expect(config.documentation.first?.descriptions.map(\.lang) == ["en", "de"])
        #expect(config.warnings.contains { $0.code == .insecureURL })  // the sample's documentation url is http
    }

    @Test("v1.2 additions: domain purpose=mx, a SASL mechanism before a generic method, TLS as socketType")
    func version12() {
        let config = ClientConfigParser.parse(
            """
            <clientConfig version="1.2">
              <emailProvider id="t.example">
                <domain>t.example</domain>
                <domain purpose="mx">mx-hoster.example</domain>
                <incomingServer type="imap">
                  <hostname>imap.t.example</hostname>
                  <port>993</port>
                  <socketType>TLS</socketType>
                  <authentication system="sasl">SCRAM-SHA-256-PLUS</authentication>
                  <authentication>OAuth</authentication>
                  <authentication>password-encrypted</authentication>
                  <username>%EMAILADDRESS%</username>
                </incomingServer>
                <outgoingServer type="smtp">
                  <hostname>smtp.t.example</hostname><port>465</port><socketType>SSL</socketType>
                  <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username>
                </outgoingServer>
              </emailProvider>
            </clientConfig>
            """)
        #expect(config.isValid)
        #expect(config.domains == ["t.example"])
        #expect(config.mxDomains == ["mx-hoster.example"])
        #expect(config.incoming.first?.security == .tls)
        #expect(config.incoming.first?.authentication == [.oauth2, .passwordEncrypted])
        #expect(config.warnings.map(\.code) == [.socketTypeSpelling, .authenticationSpelling])
        #expect(config.warnings.map(\.line) == [8, 10])
    }

    @Test("ISPDB quirks: %EMAILDOMAIN% host names, enable at the root, ews/owa/graph/exchange, %EMAILADDRESS without %")
    func quirks() {
        let config = ClientConfigParser.parse(
            """
            <?xml version="1.0"?>
            <clientConfig version="1.1">
              <emailProvider id="t.example">
                <domain>t.example</domain>
                <incomingServer type="imap">
                  <hostname>mail.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType>
                  <authentication>password-cleartext</authentication><username>%EMAILADDRESS</username>
                </incomingServer>
                <incomingServer type="ews">
                  <username>%EMAILADDRESS</username><authentication>OAuth2</authentication>
                  <url>https://mail.t.example/ews/exchange.asmx</url>
                </incomingServer>
                <incomingServer type="exchange">
                  <hostname>mail.t.example</hostname><port>443</port><socketType>SSL</socketType>
                  <owaURL>https://mail.t.example/owa/</owaURL>
                </incomingServer>
                <incomingServer type="graph"><url>https://graph.t.example/</url></incomingServer>
                <incomingServer type="owa"><url>https://mail.t.example/owa/</url></incomingServer>
                <outgoingServer type="smtp">
                  <hostname>%EMAILDOMAIN%</hostname><port>587</port><socketType>STARTTLS</socketType>
                  <authentication>password-cleartext</authentication><username>%EMAILLOCALPART%.%EMAILDOMAIN%</username>
                </outgoingServer>
                <instruction url="https://t.example/help"><descr lang="en">Help page</descr></instruction>
              </emailProvider>
              <enable visiturl="https://t.example/enable"><instruction>Turn it on</instruction></enable>
            </clientConfig>
            """)
        #expect(config.isValid)
        #expect(config.errors.isEmpty, "\(config.errors)")
        #expect(config.incoming.first?.hostname == "mail.%EMAILDOMAIN%")
        #expect(config.incoming.first?.username == "%EMAILADDRESS%")
        #expect(config.outgoing.first?.hostname == "%EMAILDOMAIN%")
        #expect(config.outgoing.first?.username == "%EMAILLOCALPART%.%EMAILDOMAIN%")
        #expect(config.otherServers.map(\.type) == ["ews", "exchange", "graph", "owa"])
        #expect(config.otherServers.map(\.url) == [
            "https://mail.t.example/ews/exchange.asmx", "https://mail.t.example/owa/", "https://graph.t.example/", "https://mail.t.example/owa/",
        ])
        #expect(config.otherServers.first?.username == "%EMAILADDRESS%")
        #expect(config.warnings.map(\.code) == [.unterminatedPlaceholder, .unterminatedPlaceholder])
        #expect(config.warnings.map(\.line) == [7, 10])
        #expect(config.enable.map(\.visitURL) == ["https://t.example/enable"])
        #expect(config.documentation.map(\.url) == ["https://t.example/help"])
    }

    @Test("not XML, hostile XML and the wrong root give one clear error and no servers")
    func refusedDocuments() throws {
        let notXML = try Data.fixture("not-xml.txt")
        #expect(!notXML.isValid)
        #expect(notXML.errors.map(\.code) == [.notXML])
        #expect(notXML.errors.first?.message.hasPrefix("the file is not usable XML") == true)

        let bomb = try Data.fixture("doctype-bomb.xml")
        #expect(!bomb.isValid)
        #expect(bomb.errors.map(\.code) == [.notXML])
        #expect(bomb.servers.isEmpty)

        let big = ClientConfigParser.parse([UInt8](repeating: UInt8(ascii: " "), count: 2_000_000))
        #expect(big.errors.map(\.code) == [.notXML])

        let wrongRoot = ClientConfigParser.parse("<?xml version=\"1.0\"?>\n<serverConfig/>")
        #expect(wrongRoot.errors.map(\.code) == [.wrongRoot])
        #expect(wrongRoot.errors.first?.description == "line 2: the root element is <serverConfig>, not <clientConfig>: this is not a Mozilla autoconfig file")
    }

    /// One validation case: a document, and a diagnostic expected in it.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var xml: String
        var severity: ClientConfigDiagnostic.Severity
        var code: ClientConfigDiagnostic.Code
        var line: Int?
        var message: String
        var usableServers: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        typealias D = AutoconfigTestData
        func broken(_ block: String) -> String { D.document(block, D.goodIncoming, D.goodOutgoing) }
        return [
            Case(name: "port out of range", xml: broken(D.server(port: "99999")), severity: .error, code: .portOutOfRange,
                 line: 7, message: "port 99999 is out of range (1–65535); the IMAP server is ignored", usableServers: 2),
            Case(name: "port zero", xml: broken(D.server(port: "0")), severity: .error, code: .portOutOfRange,
                 line: 7, message: "port 0 is out of range", usableServers: 2),
            Case(name: "port not a number", xml: broken(D.server(port: "imaps")), severity: .error, code: .invalidPort,
                 line: 7, message: "port \"imaps\" is not a number", usableServers: 2),
            Case(name: "huge port", xml: broken(D.server(port: "99999999999999999999999")), severity: .error, code: .portOutOfRange,
                 line: 7, message: "is out of range", usableServers: 2),
            Case(name: "host with port", xml: broken(D.server(hostname: "imap.t.example:993")), severity: .error, code: .unusableHostname,
                 line: 6, message: "hostname \"imap.t.example:993\" contains a port", usableServers: 2),
            Case(name: "host as URL", xml: broken(D.server(hostname: "imaps://imap.t.example")), severity: .error, code: .unusableHostname,
                 line: 6, message: "is a URL", usableServers: 2),
            Case(name: "host with path", xml: broken(D.server(hostname: "imap.t.example/mail")), severity: .error, code: .unusableHostname,
                 line: 6, message: "contains a path", usableServers: 2),
            Case(name: "host with user", xml: broken(D.server(hostname: "alice@imap.t.example")), severity: .error, code: .unusableHostname,
                 line: 6, message: "contains \"@\"", usableServers: 2),
            Case(name: "host with space", xml: broken(D.server(hostname: "imap t.example")), severity: .error, code: .unusableHostname,
                 line: 6, message: "contains a space", usableServers: 2),
            Case(name: "host with quote", xml: broken(D.server(hostname: "imap.t.example&quot;")), severity: .error, code: .unusableHostname,
                 line: 6, message: "contains a quote", usableServers: 2),
            Case(name: "host with control character", xml: broken(D.server(hostname: "imap.t.example&#x9;x")), severity: .error,
                 code: .unusableHostname, line: 6, message: "contains a control character (U+0009)", usableServers: 2),
            Case(name: "host with underscore", xml: broken(D.server(hostname: "imap_1.t.example")), severity: .error, code: .unusableHostname,
                 line: 6, message: "contains \"_\"", usableServers: 2),
            Case(name: "host with leading hyphen", xml: broken(D.server(hostname: "-imap.t.example")), severity: .error,
                 code: .unusableHostname, line: 6, message: "starts or ends with a hyphen", usableServers: 2),
            Case(name: "host with unknown placeholder", xml: broken(D.server(hostname: "%EMAILADDRESS%")), severity: .error,
                 code: .unusableHostname, line: 6, message: "contains \"%\" that is not %EMAILDOMAIN% or %EMAILLOCALPART%", usableServers: 2),
            Case(name: "empty host", xml: broken(D.server(hostname: "  ")), severity: .error, code: .unusableHostname,
                 line: 6, message: "is empty", usableServers: 2),
            Case(name: "no hostname", xml: broken("    <incomingServer type=\"imap\"><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>"),
                 severity: .error, code: .missingHostname, line: 5, message: "the IMAP server has no <hostname>", usableServers: 2),
            Case(name: "no port", xml: broken("    <incomingServer type=\"imap\"><hostname>a.t.example</hostname><socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>"),
                 severity: .error, code: .missingPort, line: 5, message: "has no <port>", usableServers: 2),
            Case(name: "no socketType", xml: broken("    <incomingServer type=\"imap\"><hostname>a.t.example</hostname><port>993</port><authentication>password-cleartext</authentication></incomingServer>"),
                 severity: .error, code: .missingSocketType, line: 5, message: "has no <socketType>", usableServers: 2),
            Case(name: "unknown socketType", xml: broken(D.server(socketType: "key-from-DNSSEC")), severity: .error, code: .unknownSocketType,
                 line: 8, message: "socketType \"key-from-DNSSEC\" is not SSL, STARTTLS or plain", usableServers: 2),
            Case(name: "unknown authentication only", xml: broken(D.server(authentication: "smtp-after-pop")), severity: .error,
                 code: .unknownAuthentication, line: 9, message: "authentication \"smtp-after-pop\" is not a method known here", usableServers: 2),
            Case(name: "no authentication", xml: broken("    <incomingServer type=\"imap\"><hostname>a.t.example</hostname><port>993</port><socketType>SSL</socketType></incomingServer>"),
                 severity: .error, code: .missingAuthentication, line: 5, message: "has no <authentication>", usableServers: 2),
            Case(name: "plain on 110", xml: broken(D.server(type: "pop3", hostname: "pop.t.example", port: "110", socketType: "plain")),
                 severity: .warning, code: .plainConnection, line: 5,
                 message: "plain socketType on port 110 sends passwords unencrypted", usableServers: 3),
            Case(name: "SSL on 143", xml: broken(D.server(port: "143")), severity: .warning, code: .securityPortMismatch, line: 5,
                 message: "SSL on port 143 is likely a mismatch", usableServers: 3),
            Case(name: "SSL on 110", xml: broken(D.server(type: "pop3", hostname: "pop.t.example", port: "110")), severity: .warning,
                 code: .securityPortMismatch, line: 5, message: "SSL on port 110 is likely a mismatch", usableServers: 3),
            Case(name: "SSL on 587", xml: broken(D.server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "587")),
                 severity: .warning, code: .securityPortMismatch, line: 5, message: "SSL on port 587 is likely a mismatch", usableServers: 3),
            Case(name: "STARTTLS on 993", xml: broken(D.server(socketType: "STARTTLS")), severity: .warning, code: .securityPortMismatch,
                 line: 5, message: "STARTTLS on port 993 is likely a mismatch", usableServers: 3),
            Case(name: "STARTTLS on 995", xml: broken(D.server(type: "pop3", hostname: "pop.t.example", port: "995", socketType: "STARTTLS")),
                 severity: .warning, code: .securityPortMismatch, line: 5, message: "STARTTLS on port 995 is likely a mismatch", usableServers: 3),
            Case(name: "STARTTLS on 465", xml: broken(D.server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "465", socketType: "STARTTLS")),
                 severity: .warning, code: .securityPortMismatch, line: 5, message: "STARTTLS on port 465 is likely a mismatch", usableServers: 3),
            Case(name: "IMAP on the SMTP port", xml: broken(D.server(port: "587", socketType: "STARTTLS")), severity: .warning,
                 code: .protocolPortMismatch, line: 5, message: "port 587 is the SMTP port, but this is an IMAP server", usableServers: 3),
            Case(name: "port 25", xml: broken(D.server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "25", socketType: "STARTTLS")),
                 severity: .warning, code: .port25, line: 5, message: "port 25 is blocked", usableServers: 3),
            Case(name: "OAuth2 only, no <oAuth2>", xml: broken(D.server(authentication: "OAuth2")), severity: .warning,
                 code: .oauthWithoutSettings, line: 5, message: "accepts only OAuth2", usableServers: 3),
            Case(name: "unknown type", xml: broken(D.server(type: "imap5")), severity: .warning, code: .unknownType, line: 5,
                 message: "incomingServer type \"imap5\" is not a protocol known here", usableServers: 2),
            Case(name: "smtp as incoming", xml: broken(D.server(type: "smtp")), severity: .warning, code: .typeMismatch, line: 5,
                 message: "SMTP belongs in <outgoingServer>", usableServers: 2),
            Case(name: "no username", xml: broken("    <outgoingServer type=\"smtp\"><hostname>s.t.example</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></outgoingServer>"),
                 severity: .warning, code: .missingUsername, line: 5, message: "has no <username>", usableServers: 3),
            Case(name: "no outgoing server", xml: D.document(D.goodIncoming), severity: .error, code: .noOutgoingServer, line: nil,
                 message: "no outgoing server: add an <outgoingServer type=\"smtp\">", usableServers: 1),
            Case(name: "outgoing server dropped", xml: D.document(D.goodIncoming, D.server("outgoingServer", type: "smtp", hostname: "smtp.t.example", port: "99999")),
                 severity: .error, code: .noOutgoingServer, line: nil, message: "no outgoing server left", usableServers: 1),
            Case(name: "no incoming server", xml: D.document(D.goodOutgoing), severity: .error, code: .noIncomingServer, line: nil,
                 message: "no incoming server", usableServers: 1),
            Case(name: "no version", xml: D.document(D.goodIncoming, D.goodOutgoing).replacingOccurrences(of: " version=\"1.1\"", with: ""),
                 severity: .warning, code: .missingVersion, line: 2, message: "no version attribute", usableServers: 2),
            Case(name: "wrong version", xml: D.document(D.goodIncoming, D.goodOutgoing).replacingOccurrences(of: "version=\"1.1\"", with: "version=\"2.0\""),
                 severity: .warning, code: .unknownVersion, line: 2, message: "version \"2.0\" is neither 1.1 nor 1.2", usableServers: 2),
            Case(name: "http documentation", xml: broken("    <documentation url=\"http://t.example/help\"/>"), severity: .warning,
                 code: .insecureURL, line: 5, message: "documentation url \"http://t.example/help\" is plain http", usableServers: 2),
            Case(name: "no emailProvider", xml: "<clientConfig version=\"1.1\">\n</clientConfig>", severity: .error, code: .noEmailProvider,
                 line: 1, message: "there is no <emailProvider>", usableServers: 0),
        ]
    }()

    @Test("validation: errors and warnings with their lines", arguments: cases)
    func validation(_ testCase: Case) {
        let config = ClientConfigParser.parse(testCase.xml)
        let found = config.diagnostics.first { $0.code == testCase.code }
        #expect(found != nil, "\(config.diagnostics)")
        #expect(found?.severity == testCase.severity)
        #expect(found?.line == testCase.line)
        #expect(found?.message.contains(testCase.message) == true, "\(found?.message ?? "-")")
        #expect(config.servers.count == testCase.usableServers)
        #expect(config.isValid == (config.incoming.count > 0 && config.outgoing.count > 0))
    }

    @Test("a usable host name is never repaired: the dropped server does not reappear in the finding")
    func neverRepaired() {
        let config = ClientConfigParser.parse(Data.document(
            Data.server(hostname: " imap.t.example:993 "), Data.goodIncoming, Data.goodOutgoing))
        #expect(config.finding(source: .autoconfigHTTPS, trusted: true).servers.map(\.hostname) == ["imap.t.example", "smtp.t.example"])
        #expect(config.incoming.count == 1)
    }

    @Test("host names: LDH names, %EMAILDOMAIN%, IDN and a trailing dot are usable")
    func usableHostnames() {
        for hostname in ["mail.t.example", "MAIL.T.EXAMPLE", "mail.%EMAILDOMAIN%", "%EMAILDOMAIN%", "%emaildomain%", "mail.t.example.", "mail.españa.es", "xn--espaa-rta.es", "192.0.2.7"] {
            let config = ClientConfigParser.parse(Data.document(Data.server(hostname: hostname), Data.goodOutgoing))
            #expect(config.errors.isEmpty, "\(hostname): \(config.errors)")
            #expect(config.incoming.first?.hostname == hostname)
        }
    }
}

@Suite("clientConfig parser: the ISPDB corpus")
struct ClientConfigISPDBTests {
    /// The diagnostics each ISPDB file deserves, by file: every other file must parse without errors.
    /// (Warnings are expected: plain-http help pages, plain ports, port 25 — they are facts about those files.)
    static let expectedWarnings: [String: [ClientConfigDiagnostic.Code]] = [
        "office365.com.xml": [.unterminatedPlaceholder, .unterminatedPlaceholder],
        "teol.net.xml": [.missingUsername],
        "pdx.edu.xml": [.protocolPortMismatch, .insecureURL],  // IMAP on port 587
        "charter.net.xml": [.securityPortMismatch],  // SSL on 587
        "hotmail.com.xml": [.oauthWithoutSettings, .oauthWithoutSettings, .oauthWithoutSettings],
        "mit.edu.xml": [.oauthWithoutSettings],
    ]

    @Test("every ISPDB file has a usable incoming and outgoing server and no errors", .enabled(if: AutoconfigTestData.ispdbAvailable, "needs ../shared/data/ispdb"))
    func corpus() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: AutoconfigTestData.ispdb.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files.count == 163)
        var warningCount = 0
        for file in files {
            let config = ClientConfigParser.parse(try AutoconfigTestData.bytes(AutoconfigTestData.ispdb.appendingPathComponent(file)))
            #expect(config.isValid, "\(file)")
            #expect(config.errors.isEmpty, "\(file): \(config.errors)")
            #expect(!config.incoming.isEmpty && !config.outgoing.isEmpty, "\(file)")
            #expect(config.servers.allSatisfy { $0.line != nil }, "\(file)")
            if let expected = Self.expectedWarnings[file] {
                #expect(config.warnings.map(\.code) == expected, "\(file): \(config.warnings)")
            }
            // Only codes that describe real properties of the data; never a parser complaint about valid syntax.
            let allowed: Set<ClientConfigDiagnostic.Code> = [
                .insecureURL, .plainConnection, .port25, .unterminatedPlaceholder, .missingUsername, .protocolPortMismatch,
                .securityPortMismatch, .oauthWithoutSettings,
            ]
            #expect(config.warnings.allSatisfy { allowed.contains($0.code) }, "\(file): \(config.warnings)")
            warningCount += config.warnings.count
        }
        #expect(warningCount > 0)
    }

    @Test("ISPDB: the things Thunderbird drops are kept", .enabled(if: AutoconfigTestData.ispdbAvailable, "needs ../shared/data/ispdb"))
    func keptExtras() throws {
        func load(_ name: String) throws -> ClientConfig {
            ClientConfigParser.parse(try AutoconfigTestData.bytes(AutoconfigTestData.ispdb.appendingPathComponent(name)))
        }
        let office = try load("office365.com.xml")
        #expect(office.oAuth2?.issuer == "login.microsoftonline.com")
        #expect(office.oAuth2?.authURL?.hasPrefix("https://") == true)
        #expect(Set(office.otherServers.map(\.type)) == ["ews", "owa", "graph", "exchange"])
        #expect(office.servers.allSatisfy { $0.isOAuthOnly })
        #expect(office.notes(language: .english).contains { $0.id == "oauth-only" })

        let web = try load("web.de.xml")
        #expect(web.incoming.contains { $0.pop3?.checkIntervalMinutes == 15 })
        #expect(web.enable.first?.visitURL?.hasPrefix("https://") == true)
        #expect(web.enable.first?.instructions.contains { $0.lang == "de" } == true)

        let google = try load("googlemail.com.xml")  // <enable> at the root
        #expect(!google.enable.isEmpty)
        let yandex = try load("yandex.ru.xml")
        #expect(yandex.enable.first?.visitURL?.hasPrefix("http://") == true)
        #expect(yandex.noteRequests.first?.url == nil)
    }
}
