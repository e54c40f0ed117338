import Testing

@testable import MailSettings

@Suite("Login rejection classification")
struct LoginRejectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var reply: String
        var `protocol`: MailProtocol
        var expected: LoginRejection
        var testDescription: String { "\(`protocol`.displayName) \(reply.prefix(60)) → \(expected)" }

        init(_ reply: String, _ proto: MailProtocol, _ expected: LoginRejection) {
            self.reply = reply
            self.protocol = proto
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        // POP3
        Case("-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page.", .pop3, .popDisabled),
        Case("-ERR [AUTH] Username and password not accepted.", .pop3, .badCredentials),
        Case("-ERR [AUTH] Authentication failed.", .pop3, .badCredentials),
        Case("-ERR [AUTH] Invalid user name or password.", .pop3, .badCredentials),
        Case("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", .pop3, .encryptionRequired),
        Case("-ERR [SYS/TEMP] Temporary authentication failure.", .pop3, .temporaryFailure),
        Case("-ERR Logon failure: unknown user name or bad password.", .pop3, .badCredentials),
        Case("-ERR [IN-USE] Mailbox is locked by another POP3 session.", .pop3, .temporaryFailure),
        Case("-ERR Your account has been suspended.", .pop3, .accountLocked),
        Case("-ERR Application-specific password required", .pop3, .appPasswordRequired),
        Case("-ERR", .pop3, .unknown),
        // IMAP
        Case("a2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", .imap, .badCredentials),
        Case("a2 NO [AUTHENTICATIONFAILED] Authentication failed.", .imap, .badCredentials),
        Case("a2 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)", .imap, .appPasswordRequired),
        Case("a2 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)", .imap, .webLoginRequired),
        Case("a2 NO [WEBALERT https://accounts.google.com/signin/continue] Web login required.", .imap, .webLoginRequired),
        Case("a2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.", .imap, .encryptionRequired),
        Case("a2 NO [UNAVAILABLE] Temporary authentication failure.", .imap, .temporaryFailure),
        Case("a2 NO LOGIN failed.", .imap, .badCredentials),
        Case("a2 NO [ALERT] Too many login failures, try again later", .imap, .accountLocked),
        Case("a2 NO AUTHENTICATE failed: XOAUTH2 required", .imap, .oauthOnly),
        Case("a2 BAD Error in IMAP command LOGIN: Invalid arguments.", .imap, .unknown),
        // SMTP
        Case("535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials", .smtp, .badCredentials),
        Case("535 5.7.8 Error: authentication failed: authentication failure", .smtp, .badCredentials),
        Case("534-5.7.9 Application-specific password required.\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor", .smtp, .appPasswordRequired),
        Case("534-5.7.14 <https://accounts.google.com/signin/continue>\n534-5.7.14 Please log in via your web browser and\n534 5.7.14 then try again.", .smtp, .webLoginRequired),
        Case("535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", .smtp, .oauthOnly),
        Case("535 5.7.3 Authentication unsuccessful", .smtp, .badCredentials),
        Case("530 5.7.0 Must issue a STARTTLS command first", .smtp, .encryptionRequired),
        Case("538 5.7.11 Encryption required for requested authentication mechanism", .smtp, .encryptionRequired),
        Case("454 4.7.0 Temporary authentication failure", .smtp, .temporaryFailure),
        Case("454 4.7.0 Too many login attempts, please try again later.", .smtp, .accountLocked),
        Case("421 4.7.0 Try again later, closing connection.", .smtp, .temporaryFailure),
        Case("535 5.7.0 Your account is locked", .smtp, .accountLocked),
        Case("504 5.5.4 Unrecognized authentication type", .smtp, .unknown),
        // A 4xx is only an SMTP code: the same digits in IMAP text say nothing.
        Case("a2 NO 454 something", .imap, .unknown),
        // 538 is an SMTP code, not any number that contains it.
        Case("535 5.7.0 error 15380 in module", .smtp, .unknown),
    ]

    @Test(arguments: cases)
    func classify(_ example: Case) {
        #expect(LoginRejection.classify(reply: example.reply, protocol: example.protocol) == example.expected)
    }

    @Test func classificationIgnoresCase() {
        #expect(LoginRejection.classify(reply: "-err [sys/perm] YOUR ACCOUNT IS NOT ENABLED FOR POP ACCESS", protocol: .pop3) == .popDisabled)
        #expect(LoginRejection.classify(reply: "a1 no [authenticationfailed] nope", protocol: .imap) == .badCredentials)
    }

    @Test func everyRejectionIsReachable() {
        let reached = Set(Self.cases.map(\.expected))
        #expect(reached == Set(LoginRejection.allCases))
    }
}
