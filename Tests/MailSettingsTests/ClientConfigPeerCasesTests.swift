// Peer cases: the facts checked by Thunderbird's `test_autoconfigXML.js`
// (mozilla/releases-comm-central, mail/components/accountcreation/test/xpcshell/) and by
// Thunderbird for Android's `RealAutoconfigParserTest.kt` (thunderbird/thunderbird-android,
// app.k9mail.autodiscovery.autoconfig), re-stated as our own tests under our own rules.
//
// Where we differ from them, and why:
//
// - One bad server block never rejects the whole file. Thunderbird for Android throws for the
//   whole document on a missing hostname, port, socketType, authentication or username, or an
//   invalid port/hostname; the draft (section "XML validation") says only that block is ignored,
//   and so do we (the block is reported as an error and dropped; the file stays valid when other
//   blocks remain).
// - A missing `<username>`, `<domain>` or `emailProvider id`, or an id/domain that is not a valid
//   name, is a warning here, not a failure (Android): none of them stops a mail program from
//   connecting, and `office365.com.xml` in the ISPDB has no `<domain>` on purpose (MX-only).
// - `socketType` `TLS` is read as SSL with a warning (Android refuses it): the draft's own sample
//   uses it, and the warning tells the hoster to write SSL for older programs.
// - An element where text was expected (`<hostname>a.example<x/></hostname>`) is read for its
//   text (Android refuses the file): unknown elements are never an error.
// - OAuth2 is a supported method. Thunderbird drops an OAuth2-only server when it has no OAuth2
//   settings for that host ("Lacking OAuth2 config"); we keep it as usable, add the `oauth-only`
//   note, and warn when the file has no `<oAuth2>` block.
// - `none` and `client-IP-address` are kept for incoming servers too (Thunderbird refuses them
//   there): they are facts about the server, and a validator should show them, not hide them.
// - `smtp-after-pop`/`smtp-after-imap` are unknown methods here (Thunderbird maps smtp-after-pop
//   to "no authentication" for SMTP): a block that offers only them is dropped with an error
//   naming the value, so the hoster sees it.
// - Among several `<authentication>` elements we keep every known method in order (Thunderbird
//   keeps the first it supports); the first is still the preferred one.
import MailSettings
import Testing

@Suite("clientConfig peer cases (Thunderbird, Thunderbird for Android)")
struct ClientConfigPeerCasesTests {
    /// The smallest useful document: one IMAP and one SMTP server (after Android's `minimalConfig`).
    static let minimal = """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="domain.example">
            <domain>domain.example</domain>
            <incomingServer type="imap">
              <hostname>imap.domain.example</hostname>
              <port>993</port>
              <socketType>SSL</socketType>
              <authentication>password-cleartext</authentication>
              <username>%EMAILADDRESS%</username>
            </incomingServer>
            <outgoingServer type="smtp">
              <hostname>smtp.domain.example</hostname>
              <port>587</port>
              <socketType>STARTTLS</socketType>
              <authentication>password-cleartext</authentication>
              <username>%EMAILADDRESS%</username>
            </outgoingServer>
          </emailProvider>
        </clientConfig>
        """

    static func minimal(replacing old: String, with new: String) -> ClientConfig {
        precondition(minimal.contains(old))
        return ClientConfigParser.parse(minimal.replacingOccurrences(of: old, with: new))
    }

    static func codes(_ config: ClientConfig) -> [ClientConfigDiagnostic.Code] { config.diagnostics.map(\.code) }

    // MARK: Thunderbird for Android

    @Test("minimal data: one IMAP and one SMTP server, nothing to report")
    func minimalData() {
        let config = ClientConfigParser.parse(Self.minimal)
        #expect(config.diagnostics.isEmpty)
        #expect(config.serverSettings == [
            ServerSettings(protocol: .imap, hostname: "imap.domain.example", port: 993, security: .tls, username: "%EMAILADDRESS%"),
            ServerSettings(protocol: .smtp, hostname: "smtp.domain.example", port: 587, security: .starttls, username: "%EMAILADDRESS%"),
        ])
    }

    @Test("several servers of each direction keep the file's order")
    func multipleServers() {
        let config = Self.minimal(
            replacing: "    <incomingServer type=\"imap\">",
            with: "    <incomingServer type=\"imap\"><hostname>imap.domain.example</hostname><port>143</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>\n    <incomingServer type=\"imap\">")
        #expect(config.incoming.map(\.port) == [143, 993])
        #expect(config.incoming.map(\.security) == [.starttls, .tls])
    }

    @Test("placeholders in host names and user names are kept, then filled for an address")
    func placeholders() throws {
        let config = Self.minimal(replacing: "<hostname>imap.domain.example</hostname>", with: "<hostname>%EMAILLOCALPART%.domain.example</hostname>")
        #expect(config.errors.isEmpty)
        let server = try #require(config.incoming.first)
        #expect(server.hostname == "%EMAILLOCALPART%.domain.example")
        let address = try EmailAddress("user@domain.example")
        #expect(Placeholders.expand(server.hostname, address: address, domain: address.domain) == "user.domain.example")
    }

    @Test("comments between the elements of a server change nothing")
    func comments() {
        let config = Self.minimal(replacing: "<port>993</port>", with: "<!-- c --><port><!-- c -->993</port><!-- c -->")
        #expect(config.incoming.first?.port == 993)
        #expect(config.diagnostics.isEmpty)
    }

    @Test("a server block in the wrong direction is ignored with a warning; the others are used")
    func wrongDirection() {
        let incoming = Self.minimal(replacing: "    <incomingServer type=\"imap\">", with: "    <incomingServer type=\"smtp\"/>\n    <incomingServer type=\"imap\">")
        #expect(incoming.incoming.map(\.hostname) == ["imap.domain.example"])
        #expect(Self.codes(incoming) == [.typeMismatch])
        let outgoing = Self.minimal(replacing: "    <outgoingServer type=\"smtp\">", with: "    <outgoingServer type=\"imap\"/>\n    <outgoingServer type=\"smtp\">")
        #expect(outgoing.outgoing.map(\.hostname) == ["smtp.domain.example"])
        #expect(Self.codes(outgoing) == [.typeMismatch])
    }

    @Test("an empty <authentication> is skipped")
    func emptyAuthentication() {
        let config = Self.minimal(
            replacing: "<authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>",
            with: "<authentication></authentication><authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>")
        #expect(config.incoming.first?.authentication == [.passwordCleartext])
        #expect(Self.codes(config) == [.emptyAuthentication])
    }

    @Test("no emailProvider id, no domain, an invalid domain: warnings, the file stays valid")
    func providerIdentity() {
        #expect(Self.codes(Self.minimal(replacing: " id=\"domain.example\"", with: "")) == [.missingProviderID])
        #expect(Self.codes(Self.minimal(replacing: "<domain>domain.example</domain>", with: "")) == [.noDomain])
        let invalid = Self.minimal(replacing: "<domain>domain.example</domain>", with: "<domain>-invalid</domain>")
        #expect(Self.codes(invalid).first == .invalidDomain)
        #expect(invalid.isValid)
    }

    @Test("no incoming or no outgoing server: an error, not valid")
    func missingDirection() {
        let noIncoming = ClientConfigParser.parse(Self.minimal.replacingOccurrences(
            of: #"<incomingServer type="imap">[\s\S]*</incomingServer>"#, with: "", options: .regularExpression))
        #expect(!noIncoming.isValid)
        #expect(Self.codes(noIncoming) == [.noIncomingServer])
        let noOutgoing = ClientConfigParser.parse(Self.minimal.replacingOccurrences(
            of: #"<outgoingServer type="smtp">[\s\S]*</outgoingServer>"#, with: "", options: .regularExpression))
        #expect(!noOutgoing.isValid)
        #expect(Self.codes(noOutgoing) == [.noOutgoingServer])
    }

    /// What Android rejects the whole file for, and we reject only the block for.
    @Test(
        "a broken incoming block is dropped with an error (the file then has no incoming server)",
        arguments: [
            ("<hostname>imap.domain.example</hostname>", "", ClientConfigDiagnostic.Code.missingHostname),
            ("<hostname>imap.domain.example</hostname>", "<hostname>in valid</hostname>", .unusableHostname),
            ("<port>993</port>", "", .missingPort),
            ("<port>993</port>", "<port>invalid</port>", .invalidPort),
            ("<port>993</port>", "<port>100000</port>", .portOutOfRange),
            ("<socketType>SSL</socketType>\n      <authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>",
             "<authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>", .missingSocketType),
            ("<authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>",
             "<username>%EMAILADDRESS%</username>\n    </incomingServer>", .missingAuthentication),
        ])
    func brokenIncomingBlock(old: String, new: String, code: ClientConfigDiagnostic.Code) {
        let config = Self.minimal(replacing: old, with: new)
        #expect(Self.codes(config) == [code, .noIncomingServer])
        #expect(config.outgoing.count == 1)
    }

    @Test("a missing username is a warning; the server stays usable")
    func missingUsername() {
        let config = Self.minimal(replacing: "<username>%EMAILADDRESS%</username>\n    </incomingServer>", with: "</incomingServer>")
        #expect(Self.codes(config) == [.missingUsername])
        #expect(config.incoming.first?.username == nil)
    }

    @Test("socketType TLS is read as SSL, with a warning (Android refuses it)")
    func tlsSocketType() {
        let config = Self.minimal(replacing: "<socketType>SSL</socketType>", with: "<socketType>TLS</socketType>")
        #expect(config.incoming.first?.security == .tls)
        #expect(Self.codes(config) == [.socketTypeSpelling])
    }

    @Test("an element inside <hostname> does not hide its text")
    func elementInText() {
        let config = Self.minimal(replacing: "<hostname>imap.domain.example</hostname>", with: "<hostname>imap.domain.example<element/></hostname>")
        #expect(config.incoming.first?.hostname == "imap.domain.example")
    }

    @Test("servers inside an unknown element, or nested in an unsupported block, are not read")
    func serversInWrongPlaces() {
        let renamed = ClientConfigParser.parse(Self.minimal
            .replacingOccurrences(of: "<emailProvider id=\"domain.example\">", with: "<madeUpTag id=\"domain.example\">")
            .replacingOccurrences(of: "</emailProvider>", with: "</madeUpTag>"))
        #expect(Self.codes(renamed) == [.noEmailProvider, .noIncomingServer, .noOutgoingServer])

        // An IMAP block inside a block of an unknown type is not a server of the provider.
        let fixed = ClientConfigParser.parse(Self.minimal
            .replacingOccurrences(of: "    <incomingServer type=\"imap\">", with: "    <incomingServer type=\"unsupported\"><incomingServer type=\"imap\">")
            .replacingOccurrences(of: "</incomingServer>", with: "</incomingServer></incomingServer>"))
        #expect(fixed.incoming.isEmpty)
        #expect(Self.codes(fixed) == [.unknownType, .noIncomingServer])
    }

    @Test("not XML, a wrong root, broken and incomplete XML: one error, not valid", arguments: [
        "invalid",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<serverConfig></serverConfig>",
        minimal.replacingOccurrences(of: "  </emailProvider>\n", with: ""),
        "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\">\n  <emailProvider id=\"domain.example\">\n",
    ])
    func unreadable(_ text: String) {
        let config = ClientConfigParser.parse(text)
        #expect(!config.isValid)
        #expect(config.errors.count == 1)
        #expect([.notXML, .wrongRoot].contains(config.errors.first?.code))
    }

    // MARK: Thunderbird

    @Test("Thunderbird's forward-compatibility document: unknown protocol, socketType and methods skip only their block")
    func forwardCompatibility() throws {
        let config = ClientConfigParser.parse(
            """
            <clientConfig><emailProvider id="example.com">
            <domain>example.com</domain><domain>example.net</domain>
            <displayName>Example</displayName><displayShortName>Example Mail</displayShortName>
            <incomingServer type="imap5"><hostname>badprotocol.example.com</hostname><port>993</port><socketType>SSL</socketType>
              <username>%EMAILLOCALPART%</username><authentication>ssl-client-cert</authentication></incomingServer>
            <incomingServer type="imap"><hostname>badsocket.example.com</hostname><port>993</port><socketType>key-from-DNSSEC</socketType>
              <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
            <incomingServer type="imap"><hostname>imapmail.example.com</hostname><port>993</port><socketType>SSL</socketType>
              <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer>
            <incomingServer type="imap"><hostname>badauth.example.com</hostname><port>993</port><socketType>SSL</socketType>
              <username>%EMAILLOCALPART%</username><authentication>ssl-client-cert</authentication>
              <imap><rootFolder path="INBOX."/><specialFolder id="sent" path="INBOX.Sent Mail"/></imap></incomingServer>
            <incomingServer type="pop3"><hostname>popmail.example.com</hostname><hostname>popbackup.example.com</hostname>
              <port>110</port><port>7878</port><socketType>GSSAPI2</socketType><socketType>plain</socketType>
              <username>%EMAILLOCALPART%</username><username>%EMAILADDRESS%</username>
              <authentication>GSSAPI2</authentication><authentication>password-encrypted</authentication>
              <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer><daysToLeaveMessagesOnServer>999</daysToLeaveMessagesOnServer></pop3>
            </incomingServer>
            <outgoingServer type="smtp"><hostname>badauth.example.com</hostname><port>587</port><socketType>STARTTLS</socketType>
              <username>%EMAILADDRESS%</username><authentication>smtp-after-imap</authentication></outgoingServer>
            <outgoingServer type="smtp"><hostname>smtpout.example.com</hostname><hostname>smtpfallback.example.com</hostname>
              <port>587</port><port>7878</port><socketType>GSSAPI2</socketType><socketType>STARTTLS</socketType>
              <username>%EMAILADDRESS%</username><username>%EMAILLOCALPART%</username>
              <authentication>GSSAPI2</authentication><authentication>client-IP-address</authentication><smtp/></outgoingServer>
            <enableURL url="http://foobar"/><instructionsURL url="http://foobar"/>
            </emailProvider></clientConfig>
            """)
        #expect(config.providerID == "example.com")
        #expect(config.displayName == "Example")
        #expect(config.domains.contains("example.com"))
        #expect(config.incoming.map(\.hostname) == ["imapmail.example.com", "popmail.example.com"])
        let pop = try #require(config.incoming.last)
        #expect(pop.port == 110 && pop.security == .plain && pop.username == "%EMAILLOCALPART%")
        #expect(pop.authentication == [.passwordEncrypted])
        #expect(pop.pop3?.leaveMessagesOnServer == true && pop.pop3?.daysToLeaveMessagesOnServer == 999)
        let smtp = try #require(config.outgoing.first)
        #expect(config.outgoing.count == 1)
        #expect(smtp.hostname == "smtpout.example.com" && smtp.port == 587 && smtp.security == .starttls)
        #expect(smtp.authentication == [.clientIPAddress])
        #expect(config.isValid)
        // Every skipped block and value is reported: a hoster sees what Thunderbird silently passes over.
        #expect(config.errors.map(\.code) == [.unknownSocketType, .unknownAuthentication, .unknownAuthentication])
        #expect(config.warnings.map(\.code).filter { $0 == .repeatedElement }.count == 6)
        #expect(config.warnings.contains { $0.code == .missingVersion })
        #expect(config.warnings.contains { $0.code == .unknownType })
    }

    @Test("placeholders are filled for Yamato's address; the old 'plain' method is password-cleartext")
    func replaceVariables() throws {
        let config = ClientConfigParser.parse(
            """
            <clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>
            <incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILLOCALPART%</username><authentication>plain</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.example.com</hostname><port>587</port><socketType>STARTTLS</socketType>
              <username>%EMAILADDRESS%</username><authentication>plain</authentication>
              <addThisServer>true</addThisServer><useGlobalPreferredServer>false</useGlobalPreferredServer></outgoingServer>
            </emailProvider></clientConfig>
            """)
        #expect(config.servers.allSatisfy { $0.authentication == [.passwordCleartext] })
        #expect(config.warnings.map(\.code) == [.authenticationSpelling, .authenticationSpelling])
        let query = try MailQuery(parsing: "yamato.nadeshiko@example.com")
        let servers = config.serverSettings.map { server -> ServerSettings in
            var server = server
            server.hostname = Placeholders.expand(server.hostname, for: query)
            server.username = Placeholders.expand(server.username, for: query)
            return server
        }
        #expect(servers.map(\.username) == ["yamato.nadeshiko", "yamato.nadeshiko@example.com"])
        #expect(servers.map(\.hostname) == ["pop.example.com", "smtp.example.com"])
    }

    static func twoServers(incomingAuth: [String], outgoingAuth: [String], incomingHost: String = "imap.domain.example") -> String {
        func auth(_ values: [String]) -> String { values.map { "<authentication>\($0)</authentication>" }.joined() }
        return """
            <clientConfig version="1.1"><emailProvider id="domain.example"><domain>domain.example</domain>
            <incomingServer type="imap"><hostname>\(incomingHost)</hostname><port>993</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username>\(auth(incomingAuth))</incomingServer>
            <outgoingServer type="smtp"><hostname>smtp.domain.example</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username>\(auth(outgoingAuth))</outgoingServer>
            </emailProvider></clientConfig>
            """
    }

    @Test("OAuth2 with a password alternative: both kept, OAuth2 first, no oauth-only note")
    func oauthWithAlternative() {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: ["OAuth2", "password-cleartext"], outgoingAuth: ["OAuth2", "password-cleartext"]))
        #expect(config.servers.allSatisfy { $0.authentication == [.oauth2, .passwordCleartext] })
        #expect(config.diagnostics.isEmpty)
        #expect(!config.notes(language: .english).contains { $0.id == "oauth-only" })
    }

    @Test("OAuth2 only: usable (Thunderbird drops it without OAuth2 settings), with the oauth-only note and a warning")
    func oauthOnly() {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: ["OAuth2"], outgoingAuth: ["OAuth2"]))
        #expect(config.isValid)
        #expect(config.errors.isEmpty)
        #expect(config.warnings.map(\.code) == [.oauthWithoutSettings, .oauthWithoutSettings])
        #expect(config.notes(language: .english).contains { $0.id == "oauth-only" })
    }

    @Test("every authentication method Thunderbird knows is understood, old spellings included", arguments: [
        ("password-cleartext", AuthenticationMethod.passwordCleartext), ("plain", .passwordCleartext),
        ("password-encrypted", .passwordEncrypted), ("secure", .passwordEncrypted),
        ("GSSAPI", .gssapi), ("NTLM", .ntlm), ("OAuth2", .oauth2), ("TLS-client-cert", .tlsClientCertificate),
        ("none", .none), ("client-IP-address", .clientIPAddress),
    ])
    func knownMethods(value: String, method: AuthenticationMethod) {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: [value], outgoingAuth: [value]))
        #expect(config.servers.count == 2)
        #expect(config.servers.allSatisfy { $0.authentication == [method] })
        #expect(config.errors.isEmpty)
    }

    @Test("smtp-after-pop alone drops the block with an error naming it")
    func smtpAfterPop() {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: ["password-cleartext"], outgoingAuth: ["smtp-after-pop"]))
        #expect(config.outgoing.isEmpty)
        #expect(config.errors.first?.message.contains("\"smtp-after-pop\"") == true)
        #expect(config.errors.map(\.line) == [5, nil])
    }

    @Test("no authentication at all: the block is dropped with an error")
    func noAuthentication() {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: [], outgoingAuth: ["password-cleartext"]))
        #expect(config.incoming.isEmpty)
        #expect(config.errors.map(\.code) == [.missingAuthentication, .noIncomingServer])
    }

    @Test("an unknown method before a known one is skipped with a warning")
    func unknownThenKnown() {
        let config = ClientConfigParser.parse(Self.twoServers(incomingAuth: ["unsupported", "password-cleartext"], outgoingAuth: ["unsupported", "password-cleartext"]))
        #expect(config.servers.allSatisfy { $0.authentication == [.passwordCleartext] })
        #expect(config.warnings.map(\.code) == [.unknownAuthentication, .unknownAuthentication])
    }
}
