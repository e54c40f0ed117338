/// The servers worth guessing for a domain that publishes nothing: the usual host names
/// (`pop3.`, `pop.`, `imap.`, `mail.`, `smtp.` and the bare domain) on the standard ports with
/// their security. Guesses count only once a probe confirms them.
public enum GuessedServers {
    /// The guesses for `domain`, POP3 first, implicit TLS before STARTTLS, user name
    /// `%EMAILADDRESS%`.
    public static func servers(for domain: DomainName) -> [ServerSettings] {
        let name = domain.ascii
        let pop3 = [(995, ConnectionSecurity.tls), (110, .starttls)]
        let imap = [(993, ConnectionSecurity.tls), (143, .starttls)]
        let smtp = [(465, ConnectionSecurity.tls), (587, .starttls)]
        let plan: [(MailProtocol, [String], [(Int, ConnectionSecurity)])] = [
            (.pop3, ["pop3.\(name)", "pop.\(name)", "mail.\(name)", name], pop3),
            (.imap, ["imap.\(name)", "mail.\(name)", name], imap),
            (.smtp, ["smtp.\(name)", "mail.\(name)", name], smtp),
        ]
        return plan.flatMap { mailProtocol, hosts, ports in
            hosts.flatMap { host in
                ports.map { port, security in
                    ServerSettings(protocol: mailProtocol, hostname: host, port: port, security: security, username: "%EMAILADDRESS%")
                }
            }
        }
    }
}
