import Testing

@testable import MailSettings

@Suite("Export writers")
struct ExportWriterTests {
    @Test("every format has a writer of that format, and a file name without a path")
    func everyFormat() throws {
        for format in ExportFormat.allCases {
            let writer = ExportSample.writer(format)
            #expect(writer.format == format)
            let file = try writer.write(ExportSample.account())
            #expect(!file.contents.isEmpty)
            #expect(!file.suggestedFileName.contains("/") && !file.suggestedFileName.isEmpty)
            #expect(file.contents.hasSuffix("\n"))
        }
    }

    @Test("msmtp: one account made the default, TLS, user, from and passwordeval")
    func msmtp() throws {
        let file = try MsmtpWriter().write(ExportSample.account(passwordCommand: "pass show mail/alice"))
        #expect(
            file.contents == """
                # msmtp configuration for alice@example.com, written by autoconf-lookup.
                account alice@example.com
                host smtp.example.com
                port 465
                tls on
                tls_starttls off
                auth on
                user "alice@example.com"
                from "alice@example.com"
                passwordeval "pass show mail/alice"
                account default : alice@example.com

                """)
        #expect(file.suggestedFileName == "msmtprc")
        #expect(!file.notes.contains { $0.contains("No password command") })
    }

    @Test("msmtp: STARTTLS, no encryption, and no passwordeval without a command")
    func msmtpSecurity() throws {
        let starttls = try MsmtpWriter().write(ExportSample.account(outgoing: ExportSample.smtp(port: 587, security: .starttls)))
        #expect(starttls.contents.contains("tls on\ntls_starttls on\n"))
        #expect(!starttls.contents.contains("passwordeval"))
        #expect(starttls.notes.contains { $0.contains("No password command") })
        let plain = try MsmtpWriter().write(ExportSample.account(outgoing: ExportSample.smtp(port: 25, security: .plain)))
        #expect(plain.contents.contains("tls off\n") && !plain.contents.contains("tls_starttls"))
        #expect(plain.notes.contains { $0.contains("uses no encryption") })
    }

    @Test("mpop: POP3 only, keep on, delivery to ~/Maildir")
    func mpop() throws {
        let file = try MpopWriter().write(ExportSample.account(incoming: ExportSample.pop3(port: 110, security: .starttls), passwordCommand: "cat ~/.pw"))
        #expect(
            file.contents == """
                # mpop configuration for alice@example.com, written by autoconf-lookup.
                account alice@example.com
                host pop.example.com
                port 110
                tls on
                tls_starttls on
                auth on
                user "alice@example.com"
                passwordeval "cat ~/.pw"
                delivery maildir ~/Maildir
                # Leave the mail on the server; remove this line (or write `keep off`) to delete it once fetched.
                keep on
                account default : alice@example.com

                """)
        #expect(file.notes.contains { $0.contains("mkdir -p ~/Maildir") })
    }

    @Test("fetchmail: ssl, STARTTLS and plain; the password command only in a note")
    func fetchmail() throws {
        let file = try FetchmailWriter().write(ExportSample.account(passwordCommand: "pass mail"))
        #expect(
            file.contents == """
                # fetchmail configuration for example.com, written by autoconf-lookup.
                # fetchmail has no password command: it asks for the password when it runs, or reads it
                # from ~/.netrc (a line "machine pop.example.com login USER password PASSWORD").
                poll "pop.example.com" with proto POP3 service 995
                    user "alice@example.com" there
                    ssl sslproto "auto" keep

                """)
        #expect(file.notes.contains { $0.hasPrefix("fetchmail has no password command") })
        let imap = try FetchmailWriter().write(ExportSample.account(incoming: ExportSample.imap(port: 143, security: .starttls)))
        #expect(imap.contents.contains("with proto IMAP service 143\n"))
        #expect(imap.contents.contains("    sslproto \"auto\" keep\n") && !imap.contents.contains(" ssl "))
        let plain = try FetchmailWriter().write(ExportSample.account(incoming: ExportSample.pop3(port: 110, security: .plain)))
        #expect(plain.contents.contains("    sslproto \"\" keep\n"))
    }

    @Test("getmail: the retriever type follows protocol and security; STARTTLS is refused")
    func getmail() throws {
        let file = try GetmailWriter().write(ExportSample.account(passwordCommand: "pass \"mail\" \\ é"))
        #expect(
            file.contents == """
                # getmail6 configuration for example.com, written by autoconf-lookup.
                [retriever]
                type = SimplePOP3SSLRetriever
                server = pop.example.com
                port = 995
                username = alice@example.com
                password_command = ("/bin/sh", "-c", "pass \\"mail\\" \\\\ \\u00E9")

                [destination]
                type = Maildir
                path = ~/Maildir/

                [options]
                # Leave the mail on the server; set to true to delete it once fetched.
                delete = false

                """)
        let cases: [(ServerSettings, String)] = [
            (ExportSample.pop3(port: 110, security: .plain), "SimplePOP3Retriever"),
            (ExportSample.imap(), "SimpleIMAPSSLRetriever"),
            (ExportSample.imap(port: 143, security: .plain), "SimpleIMAPRetriever"),
        ]
        for (server, type) in cases {
            #expect(try GetmailWriter().write(ExportSample.account(incoming: server)).contents.contains("type = \(type)\n"))
        }
        for server in [ExportSample.pop3(port: 110, security: .starttls), ExportSample.imap(port: 143, security: .starttls)] {
            #expect(throws: ExportError.self) { try GetmailWriter().write(ExportSample.account(incoming: server)) }
            do {
                _ = try GetmailWriter().write(ExportSample.account(incoming: server))
            } catch {
                #expect(error.code == .unsupportedSecurity)
                #expect(error.description.contains("no STARTTLS"))
            }
        }
    }

    @Test("neomutt: folder, spoolfile, smtp_url, from, realname, TLS settings, password command")
    func neomutt() throws {
        let file = try NeomuttWriter().write(ExportSample.account(passwordCommand: "pass show mail"))
        #expect(
            file.contents == """
                # NeoMutt configuration for example.com, written by autoconf-lookup.
                set from = "alice@example.com"
                set realname = "Alice Liddell"
                set folder = 'pops://alice%40example.com@pop.example.com:995/'
                set spoolfile = '+'
                set smtp_url = 'smtps://alice%40example.com@smtp.example.com:465/'
                set ssl_starttls = yes
                set ssl_force_tls = yes
                # Leave the mail on the server; set to yes to delete it once fetched.
                set pop_delete = no
                set pop_pass = "`pass show mail`"
                set smtp_pass = "`pass show mail`"

                """)
        let imap = try NeomuttWriter().write(
            ExportSample.account(
                incoming: ExportSample.imap(port: 143, security: .starttls), outgoing: ExportSample.smtp(port: 25, security: .plain), name: nil))
        #expect(imap.contents.contains("set folder = 'imap://alice%40example.com@imap.example.com:143/'\nset spoolfile = '+INBOX'\n"))
        #expect(imap.contents.contains("set smtp_url = 'smtp://alice%40example.com@smtp.example.com:25/'"))
        #expect(imap.contents.contains("set ssl_force_tls = no\n"))
        #expect(!imap.contents.contains("realname") && !imap.contents.contains("pop_delete"))
        let noSMTP = try NeomuttWriter().write(ExportSample.account(outgoing: nil, passwordCommand: "gpg -d `x`"))
        #expect(!noSMTP.contents.contains("smtp_url") && !noSMTP.contents.contains("_pass"))
        #expect(noSMTP.notes.contains { $0.contains("backtick") } && noSMTP.notes.contains { $0.contains("no SMTP server") })
    }

    @Test("thunderbird: both servers, placeholders for the address and local part, readable by our parser")
    func thunderbird() throws {
        let account = ExportSample.account(
            incoming: ExportSample.pop3(port: 110, security: .starttls, user: "alice"),
            outgoing: ExportSample.smtp(port: 587, security: .starttls))
        let file = try ThunderbirdWriter().write(account)
        #expect(file.contents.contains("<username>%EMAILLOCALPART%</username>"))
        #expect(file.contents.contains("<username>%EMAILADDRESS%</username>"))
        #expect(file.suggestedFileName == "config-v1.1.xml")
        let config = ClientConfigParser.parse(Array(file.contents.utf8))
        #expect(config.errors.isEmpty && config.warnings.isEmpty, "\(config.diagnostics)")
        #expect(config.isValid)
        #expect(config.domains == ["example.com"])
        #expect(config.displayName == "Alice Liddell")
        let incoming = try #require(config.incoming.first)
        #expect(incoming.settings(defaultUsername: "").identity == ExportSample.pop3(port: 110, security: .starttls).identity)
        #expect(Placeholders.expand(incoming.username ?? "", address: account.address, domain: account.address.domain) == "alice")
        #expect(incoming.pop3?.leaveMessagesOnServer == true)
        let outgoing = try #require(config.outgoing.first)
        #expect(outgoing.settings().identity == ExportSample.smtp(port: 587, security: .starttls).identity)
        #expect(outgoing.authentication == [.passwordCleartext])
        // Another user name is written as it is, with a note.
        let other = try ThunderbirdWriter().write(ExportSample.account(incoming: ExportSample.pop3(user: "a.liddell")))
        #expect(ClientConfigParser.parse(other.contents).incoming.first?.username == "a.liddell")
        #expect(other.notes.contains { $0.contains("a.liddell") })
    }

    @Test("autodiscover: settings readable by our Autodiscover parser, Encryption per security")
    func autodiscover() throws {
        for security in ConnectionSecurity.allCases {
            let account = ExportSample.account(
                incoming: ExportSample.imap(port: 1143, security: security, user: "alice"), outgoing: ExportSample.smtp(port: 2525, security: security))
            let file = try AutodiscoverWriter().write(account)
            let response = try AutodiscoverResponse(bytes: Array(file.contents.utf8))
            guard case .settings(let servers) = response.action else {
                Issue.record("not settings: \(response.action)")
                continue
            }
            #expect(servers == [account.incoming!, account.outgoing!])
            #expect(response.skipped.isEmpty)
        }
        let onlySMTP = try AutodiscoverWriter().write(ExportSample.account(incoming: nil))
        #expect(onlySMTP.contents.contains("<Type>SMTP</Type>") && !onlySMTP.contents.contains("<Type>POP3</Type>"))
        #expect(throws: ExportError.self) { try AutodiscoverWriter().write(ExportSample.account(incoming: nil, outgoing: nil)) }
    }

    @Test("mobileconfig: a mail payload in a Configuration profile, with two distinct UUIDs")
    func mobileconfig() throws {
        let file = try ExportSample.writer(.mobileconfig).write(ExportSample.account(incoming: ExportSample.imap(port: 143, security: .plain)))
        #expect(file.suggestedFileName == "alice@example.com.mobileconfig")
        let (profile, payload) = try ExportSample.mobileconfigPayload(file.contents)
        #expect(profile["PayloadType"] == "Configuration")
        #expect(profile["PayloadUUID"] == "00000000-0000-4000-8000-000000000001")
        #expect(profile["PayloadIdentifier"] == "com.example.mail.00000000-0000-4000-8000-000000000001")
        #expect(payload["PayloadType"] == "com.apple.mail.managed")
        #expect(payload["PayloadUUID"] == "00000000-0000-4000-8000-000000000002")
        #expect(payload["PayloadIdentifier"] == "com.apple.mail.managed.00000000-0000-4000-8000-000000000002")
        #expect(payload["EmailAccountType"] == "EmailTypeIMAP")
        #expect(payload["EmailAddress"] == "alice@example.com")
        #expect(payload["EmailAccountName"] == "Alice Liddell")
        #expect(payload["IncomingMailServerHostName"] == "imap.example.com")
        #expect(payload["IncomingMailServerPortNumber"] == "143")
        #expect(payload["IncomingMailServerUseSSL"] == "false")
        #expect(payload["IncomingMailServerUsername"] == "alice@example.com")
        #expect(payload["IncomingMailServerAuthentication"] == "EmailAuthPassword")
        #expect(payload["OutgoingMailServerHostName"] == "smtp.example.com")
        #expect(payload["OutgoingMailServerPortNumber"] == "465")
        #expect(payload["OutgoingMailServerUseSSL"] == "true")
        let pop = try ExportSample.writer(.mobileconfig).write(ExportSample.account())
        #expect(try ExportSample.mobileconfigPayload(pop.contents).payload["EmailAccountType"] == "EmailTypePOP")
    }

    @Test("mobileconfig: a UUID generator that repeats itself or returns junk is refused")
    func mobileconfigUUIDs() {
        for generator: @Sendable () -> String in [{ "1B4E28BA-2FA1-41D2-883F-0016D3CCA427" }, { "x\"><key>" }] {
            #expect(throws: ExportError.self) { try MobileConfigWriter(uuid: generator).write(ExportSample.account()) }
        }
    }

    @Test("random UUIDs are version 4, well formed, and differ")
    func randomUUIDs() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let uuid = ExportWriters.randomUUID()
            let groups = uuid.split(separator: "-").map(\.count)
            #expect(groups == [8, 4, 4, 4, 12])
            #expect(uuid.uppercased() == uuid)
            #expect(Array(uuid)[14] == "4")
            #expect("89AB".contains(Array(uuid)[19]))
            seen.insert(uuid)
        }
        #expect(seen.count == 200)
        var first = ExportSplitMix(seed: 7)
        var second = ExportSplitMix(seed: 7)
        #expect(ExportWriters.uuid(using: &first) == ExportWriters.uuid(using: &second))
    }

    @Test("missing and wrong servers are refused with the code that says which")
    func missingServers() {
        let cases: [(ExportFormat, ExportAccount, ExportError.Code)] = [
            (.msmtp, ExportSample.account(outgoing: nil), .missingServer),
            (.mpop, ExportSample.account(incoming: nil), .missingServer),
            (.mpop, ExportSample.account(incoming: ExportSample.imap()), .unsupportedProtocol),
            (.fetchmail, ExportSample.account(incoming: nil), .missingServer),
            (.getmail, ExportSample.account(incoming: ExportSample.smtp()), .unsupportedProtocol),
            (.neomutt, ExportSample.account(incoming: nil), .missingServer),
            (.thunderbird, ExportSample.account(outgoing: nil), .missingServer),
            (.thunderbird, ExportSample.account(outgoing: ExportSample.pop3()), .unsupportedProtocol),
            (.mobileconfig, ExportSample.account(incoming: nil), .missingServer),
            (.msmtp, ExportSample.account(outgoing: ExportSample.imap()), .unsupportedProtocol),
        ]
        for (format, account, code) in cases {
            do {
                _ = try ExportSample.writer(format).write(account)
                Issue.record("\(format) wrote a file")
            } catch {
                #expect(error.code == code, "\(format): \(error)")
                #expect(error.format == format)
                #expect(error.description.hasPrefix("cannot write the \(format.rawValue) file: "))
            }
        }
    }

    @Test("an internationalised host name is written in punycode")
    func punycodeHost() throws {
        let account = ExportSample.account(incoming: ExportSample.pop3("pop.españa.es"), outgoing: ExportSample.smtp("SMTP.España.es."))
        for format in ExportFormat.allCases {
            let file = try ExportSample.writer(format).write(account)
            #expect(!file.contents.contains("españa") && !file.contents.contains("España"), "\(format)")
            if format != .msmtp {
                #expect(file.contents.contains("pop.xn--espaa-rta.es"), "\(format)")
            }
            if ![.mpop, .fetchmail, .getmail].contains(format) {
                #expect(file.contents.contains("smtp.xn--espaa-rta.es"), "\(format)")
            }
        }
    }
}

/// A small seeded generator, for repeatable UUIDs.
struct ExportSplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
