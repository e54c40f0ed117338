/// Whether a server accepted a login.
public enum LoginOutcome: Sendable, Hashable {
    /// The server accepted the credentials (or, for IMAP `* PREAUTH`, needed none).
    case accepted
    /// The server refused them; `reply` is its refusal (all lines of a multi-line SMTP reply,
    /// joined with "\n").
    case rejected(LoginRejection, reply: String)
}

/// Why a server refused a login, as far as its reply says.
public enum LoginRejection: String, Sendable, Hashable, CaseIterable {
    /// The user name or password is wrong.
    case badCredentials
    /// POP3 access is turned off for the account (Gmail: "not enabled for POP access").
    case popDisabled
    /// The account has two-step verification and needs an app password.
    case appPasswordRequired
    /// The provider wants the user to sign in on its web site first.
    case webLoginRequired
    /// The account is locked, suspended, or refused after too many attempts.
    case accountLocked
    /// The server takes passwords only over an encrypted connection.
    case encryptionRequired
    /// The server takes OAuth 2 tokens only, not passwords.
    case oauthOnly
    /// The server cannot check the login now; trying later may work.
    case temporaryFailure
    /// The reply does not say why.
    case unknown

    /// Reads a server's refusal of a login and says why it was refused.
    ///
    /// The check is case-insensitive and looks for facts that servers write: Gmail's
    /// `[SYS/PERM] … not enabled for POP access`, the SMTP enhanced codes 5.7.8, 5.7.9 and
    /// 5.7.14, the IMAP response codes `[AUTHENTICATIONFAILED]`, `[PRIVACYREQUIRED]`,
    /// `[UNAVAILABLE]`, the POP3 codes `[AUTH]`, `[SYS/TEMP]`, and common wording. The most
    /// specific rules are tried first, so Dovecot's `-ERR [AUTH] Plaintext authentication
    /// disallowed` is ``encryptionRequired``, not ``badCredentials``.
    public static func classify(reply: String, protocol: MailProtocol) -> LoginRejection {
        let text = reply.lowercased()
        func has(_ needles: String...) -> Bool { needles.contains { text.contains($0) } }
        let smtpCode = `protocol` == .smtp ? SMTPReplyLine(reply.split(separator: "\n").last.map(String.init) ?? reply)?.code : nil

        if has("not enabled for pop") || (has("[sys/perm]") && has("pop")) { return .popDisabled }
        if has("application-specific password", "5.7.9", "app password") { return .appPasswordRequired }
        if has("web login required", "5.7.14", "[webalert", "log in via your web browser") { return .webLoginRequired }
        if has("oauth", "basic authentication is disabled") { return .oauthOnly }
        // POP3's [IN-USE] (RFC 2449): another session holds the mailbox lock, not a locked account.
        if has("[in-use]") { return .temporaryFailure }
        if has("locked", "suspended", "too many login") { return .accountLocked }
        if has("plaintext authentication disallowed", "[privacyrequired]", "must issue a starttls", "5.7.11",
            "encryption required")
            || smtpCode == 538
        {
            return .encryptionRequired
        }
        if has("[auth]", "authentication failed", "invalid credentials", "5.7.8", "[authenticationfailed]",
            "username and password not accepted", "authentication unsuccessful", "logon failure", "login failed")
        {
            return .badCredentials
        }
        if has("[unavailable]", "[sys/temp]", "try again later") { return .temporaryFailure }
        if let smtpCode, (400..<500).contains(smtpCode) { return .temporaryFailure }
        return .unknown
    }
}
