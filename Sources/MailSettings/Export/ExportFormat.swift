/// A kind of mail client configuration file that ``ExportWriters`` can write.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable {
    /// Mozilla autoconfig (`clientConfig` v1.1), as a hoster publishes it at
    /// `https://autoconfig.<domain>/mail/config-v1.1.xml`; Thunderbird and many other clients read it.
    case thunderbird
    /// An Apple configuration profile with one `com.apple.mail.managed` payload, for Mail on
    /// macOS, iOS and iPadOS.
    case mobileconfig
    /// An Outlook Autodiscover "POX" response (the 2006a response schema), as served at
    /// `https://autodiscover.<domain>/autodiscover/autodiscover.xml`.
    case autodiscover
    /// An `msmtprc` for the msmtp SMTP client (sending).
    case msmtp
    /// An `mpoprc` for the mpop POP3 client (receiving; POP3 only).
    case mpop
    /// A `.fetchmailrc` for fetchmail (receiving, POP3 or IMAP).
    case fetchmail
    /// A getmail6 rc file (receiving, POP3 or IMAP, into `~/Maildir`).
    case getmail
    /// A `neomuttrc` fragment for NeoMutt (reading and sending).
    case neomutt
}
