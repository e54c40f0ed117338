import Testing

@testable import MailSettings

/// Hostile values against every writer: each is either refused with a precise error, or
/// written so that the client reads back exactly that value — never a second directive.
@Suite("Export safety")
struct ExportSafetyTests {
    static let hostileHostnames: [String] = [
        "pop.example.com\npasswordeval rm -rf ~", "pop.example.com\r", "pop.example.com\u{0}", "pop.example.com\"",
        "pop.example.com'", "pop example.com", " pop.example.com", "pop.example.com;rm -rf ~", "$(reboot).example.com",
        "`id`.example.com", "pop.example.com:995", "alice@pop.example.com", "https://pop.example.com", "pop.example.com/x",
        "%EMAILDOMAIN%", "pop.%EMAILDOMAIN%", "127.0.0.1", "::1", "[127.0.0.1]", "localhost", "]]>.example.com",
        "<x>.example.com", "a&b.example.com", "", "pop..example.com", "-pop.example.com", "pop_x.example.com",
        "pop.exa\u{202E}mple.com", "pop.example.com\u{2028}set x", "pop.example.com\\", "pop.example.com#x", "*.example.com",
        String(repeating: "a", count: 64) + ".example.com",
    ]

    static let hostileUsernames: [String] = [
        "a\"b", "\"ab\"", "a'b", "a b", "a\\b", "a\\\"b", "$(rm -rf ~)", "`id`", "${HOME}", "a#b", "a;b", "a,b:c",
        "x\npasswordeval rm -rf /", "x\rpasswordeval rm", "a\u{0}b", "a\tb", "<x>&amp;]]>", "]]><y/>", "%EMAILADDRESS%x",
        "%U%H%%", "../../etc/passwd", "user\u{2028}x", "user\u{202E}x", "josé", "用户", "", " lead", "trail ", "a\u{85}b",
        "a@b@c", "'; set y=1", "x' ; source '/tmp/p|'", "\\x22", "a\u{7F}", "\u{FEFF}bom", "x\u{FFFF}",
    ]

    @Test("a hostile host name is refused by every format, for both servers", arguments: ExportFormat.allCases)
    func hostileHostnames(format: ExportFormat) {
        for host in Self.hostileHostnames {
            let account = ExportSample.account(
                incoming: ExportSample.pop3(host), outgoing: ExportSample.smtp(host), passwordCommand: "true")
            do {
                let file = try ExportSample.writer(format).write(account)
                Issue.record("\(format) wrote \(AddressError.quoted(host)):\n\(file.contents)")
            } catch {
                #expect(error.code == .unsafeValue, "\(format) \(AddressError.quoted(host)): \(error)")
                #expect(error.field?.hasSuffix("host name") == true)
                #expect(error.value == host)
                #expect(!error.description.contains("\n") && !error.description.contains("\r"))
            }
        }
    }

    @Test("ports outside 1–65535 are refused", arguments: [0, -1, 65536, 99999, Int.max])
    func badPorts(port: Int) {
        for format in ExportFormat.allCases {
            let account = ExportSample.account(incoming: ExportSample.pop3(port: port), outgoing: ExportSample.smtp(port: port))
            #expect(throws: ExportError.self, "\(format) \(port)") { try ExportSample.writer(format).write(account) }
        }
    }

    /// The user name the client would read from a file, by the rules of its format; nil when absent.
    static func readBackUsername(_ format: ExportFormat, _ contents: String) throws -> String? {
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        switch format {
        case .msmtp, .mpop:
            return ExportSample.msmtpValue(contents, "user")
        case .fetchmail:
            guard let line = lines.first(where: { $0.hasPrefix("    user ") }), line.hasSuffix(" there") else { return nil }
            return ExportSample.fetchmailDecode(line.dropFirst("    user ".count).dropLast(" there".count))
        case .getmail:
            return lines.first { $0.hasPrefix("username = ") }.map { String($0.dropFirst("username = ".count)) }
        case .neomutt:
            guard let line = lines.first(where: { $0.hasPrefix("set folder = '") }) else { return nil }
            let url = line.dropFirst("set folder = '".count).dropLast()
            #expect(!url.contains("'") && url.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F })
            guard let start = url.range(of: "://"), let at = url.lastIndex(of: "@") else { return nil }
            return ExportSample.percentDecode(url[start.upperBound..<at])
        case .thunderbird:
            let config = ClientConfigParser.parse(contents)
            #expect(config.errors.isEmpty, "\(config.diagnostics)")
            return config.incoming.first?.username
        case .autodiscover:
            // The XML itself: our Autodiscover reader replaces a user name with a space by the address.
            let root = try XMLReader.parse(contents)
            return root.child(named: "Response")?.child(named: "Account")?.child(named: "Protocol")?.child(named: "LoginName")?.text
        case .mobileconfig:
            return try ExportSample.mobileconfigPayload(contents).payload["IncomingMailServerUsername"]
        }
    }

    @Test("a hostile user name is refused, or read back exactly with no line added", arguments: ExportFormat.allCases)
    func hostileUsernames(format: ExportFormat) throws {
        let baseline = try ExportSample.writer(format).write(ExportSample.account(incoming: ExportSample.pop3(user: "bob"), outgoing: ExportSample.smtp(user: "bob")))
        let baselineLines = baseline.contents.split(separator: "\n", omittingEmptySubsequences: false).count
        var written = 0
        for user in Self.hostileUsernames {
            let account = ExportSample.account(incoming: ExportSample.pop3(user: user), outgoing: ExportSample.smtp(user: user))
            let file: ExportedFile
            do {
                file = try ExportSample.writer(format).write(account)
            } catch {
                #expect(error.code == .unsafeValue, "\(format) \(AddressError.quoted(user)): \(error)")
                #expect(error.value == user)
                let mustRefuse = user.isEmpty || user.unicodeScalars.contains(where: ExportCheck.isRefused)
                    || user.first == " " || user.last == " "
                    || (format == .mpop && user.contains("/")) || (format == .thunderbird && user.contains("%EMAILADDRESS%"))
                #expect(mustRefuse, "\(format) refused a user name it could write: \(AddressError.quoted(user)): \(error)")
                continue
            }
            written += 1
            #expect(!user.unicodeScalars.contains(where: ExportCheck.isRefused), "\(format) wrote \(AddressError.quoted(user))")
            let lines = file.contents.split(separator: "\n", omittingEmptySubsequences: false).count
            #expect(lines == baselineLines, "\(format) \(AddressError.quoted(user)):\n\(file.contents)")
            #expect(try Self.readBackUsername(format, file.contents) == user, "\(format) \(AddressError.quoted(user)):\n\(file.contents)")
        }
        #expect(written >= 20, "\(format) wrote only \(written) of the hostile-but-valid user names")
    }

    static let hostileDisplayNames: [String] = [
        "Alice \"A\" O'Brien", "$(x) `y` \\ ${HOME}", "</displayName><x>", "]]>", "José 👩‍💻 Müller", "&amp; &#x41;",
        "%REALNAME% %EMAILADDRESS%", "'; set from='evil@x'", "a # b ; c",
    ]

    @Test("display names are escaped for every format that writes one")
    func displayNames() throws {
        for name in Self.hostileDisplayNames {
            let account = ExportSample.account(name: name)
            let thunderbird = ClientConfigParser.parse(try ThunderbirdWriter().write(account).contents)
            #expect(thunderbird.displayName == name)
            let mobile = try ExportSample.mobileconfigPayload(try ExportSample.writer(.mobileconfig).write(account).contents)
            #expect(mobile.payload["EmailAccountName"] == name && mobile.payload["EmailAccountDescription"] == name)
            let autodiscover = try XMLReader.parse(try AutodiscoverWriter().write(account).contents)
            #expect(autodiscover.child(named: "Response")?.child(named: "User")?.child(named: "DisplayName")?.text == name)
            let neomutt = try NeomuttWriter().write(account).contents
            let line = try #require(neomutt.split(separator: "\n").first { $0.hasPrefix("set realname = ") })
            #expect(ExportSample.neomuttDecode(line.dropFirst("set realname = ".count)) == name)
            #expect(!line.dropFirst("set realname = ".count).dropFirst().dropLast().contains { "`$".contains($0) && true } || line.contains("\\`") || line.contains("\\$"))
        }
        for bad in ["A\nset from=evil", "A\r", "A\u{0}", "A\u{1B}[31m", "A\u{202E}"] {
            for format in [ExportFormat.thunderbird, .mobileconfig, .autodiscover, .neomutt] {
                do {
                    _ = try ExportSample.writer(format).write(ExportSample.account(name: bad))
                    Issue.record("\(format) wrote the display name \(AddressError.quoted(bad))")
                } catch {
                    #expect(error.code == .unsafeValue && error.field == "display name")
                }
            }
        }
    }

    @Test("addresses with shell and format metacharacters")
    func addresses() throws {
        let address = try EmailAddress("o'brien$x`id`&{y}|z#w@example.com")
        let account = ExportSample.account(incoming: ExportSample.pop3(user: address.ascii), outgoing: ExportSample.smtp(user: address.ascii), address: address)
        let msmtp = try MsmtpWriter().write(account).contents
        #expect(ExportSample.msmtpValue(msmtp, "from") == address.ascii)
        let neomutt = try NeomuttWriter().write(account).contents
        let from = try #require(neomutt.split(separator: "\n").first { $0.hasPrefix("set from = ") })
        #expect(ExportSample.neomuttDecode(from.dropFirst("set from = ".count)) == address.ascii)
        #expect(from.contains("\\$x\\`id\\`"))
        let thunderbird = try ThunderbirdWriter().write(account).contents
        #expect(thunderbird.contains("<username>%EMAILADDRESS%</username>"))
        let mobile = try ExportSample.mobileconfigPayload(try ExportSample.writer(.mobileconfig).write(account).contents)
        #expect(mobile.payload["EmailAddress"] == address.ascii)
        #expect(try ExportSample.writer(.mobileconfig).write(account).suggestedFileName == "o_brien_x_id___y__z_w@example.com.mobileconfig")
        // msmtp replaces %U, %H, %C and %M in `from` and has no escape: refused.
        let percent = try EmailAddress("a%Hb@example.com")
        #expect(throws: ExportError.self) { try MsmtpWriter().write(ExportSample.account(address: percent)) }
    }

    static let hostilePasswordCommands: [String] = [
        "x\npasswordeval rm -rf /", "pass\r", "pass\u{0}", "pass\u{2028}x", "", "   ", "pass\u{1B}]0;x\u{7}",
    ]

    @Test("a password command with a line break or control character is refused by every format that uses it")
    func hostilePasswordCommands() {
        for command in Self.hostilePasswordCommands {
            for format in [ExportFormat.msmtp, .mpop, .fetchmail, .getmail, .neomutt] {
                do {
                    _ = try ExportSample.writer(format).write(ExportSample.account(passwordCommand: command))
                    Issue.record("\(format) wrote the password command \(AddressError.quoted(command))")
                } catch {
                    #expect(error.code == .unsafeValue && error.field == "password command", "\(format): \(error)")
                }
            }
        }
    }

    /// A Python string literal as the writer makes them, decoded.
    static func pythonDecode(_ literal: Substring) -> String {
        var scalars = String.UnicodeScalarView()
        var input = Array(literal.dropFirst().dropLast().unicodeScalars)[...]
        while let scalar = input.popFirst() {
            guard scalar == "\\", let next = input.popFirst() else {
                scalars.append(scalar)
                continue
            }
            switch next {
            case "u", "U":
                let width = next == "u" ? 4 : 8
                let digits = String(String.UnicodeScalarView(input.prefix(width)))
                input = input.dropFirst(width)
                scalars.append(Unicode.Scalar(UInt32(digits, radix: 16)!)!)
            default:
                scalars.append(next)
            }
        }
        return String(scalars)
    }

    @Test("the password command is written so that the client runs exactly it")
    func passwordCommands() throws {
        let commands = [
            "pass show mail/alice", "gpg -qd ~/.pw.gpg 2>/dev/null", "echo 'a b' \"c\" \\\\ $HOME", "\"/path with space/pw\"",
            "printf %s \"$(cat ~/.pw)\"", "security find-generic-password -w -s 'mail' # comment", "echo é 👍",
        ]
        for command in commands {
            let account = ExportSample.account(passwordCommand: command)
            #expect(ExportSample.msmtpValue(try MsmtpWriter().write(account).contents, "passwordeval") == command)
            #expect(ExportSample.msmtpValue(try MpopWriter().write(account).contents, "passwordeval") == command)
            let getmail = try GetmailWriter().write(account).contents
            let line = try #require(getmail.split(separator: "\n").first { $0.hasPrefix("password_command = (") })
            let prefix = "password_command = (\"/bin/sh\", \"-c\", "
            #expect(line.hasPrefix(prefix) && line.hasSuffix(")"))
            let literal = line.dropFirst(prefix.count).dropLast()
            #expect(literal.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
            #expect(Self.pythonDecode(literal) == command)
            let neomutt = try NeomuttWriter().write(account)
            if command.contains("\\") || command.contains("`") {
                #expect(!neomutt.contents.contains("_pass"))
            } else {
                #expect(neomutt.contents.contains("set pop_pass = \"`\(command)`\"\n"))
            }
            let fetchmail = try FetchmailWriter().write(account)
            #expect(!fetchmail.contents.contains(command))
        }
    }

    @Test("escaping functions never leave their delimiter open")
    func escapers() {
        let nasty = "a\"b'c\\d`e$f&g<h>i]]>j%k"
        #expect(ExportEscaping.xml(nasty) == "a&quot;b&apos;c\\d`e$f&amp;g&lt;h&gt;i]]&gt;j%k")
        #expect(ExportEscaping.fetchmailString(nasty) == "\"a\\x22b'c\\x5cd`e$f&g<h>i]]>j%k\"")
        #expect(ExportEscaping.neomuttString(nasty) == "\"a\\\"b'c\\\\d\\`e\\$f&g<h>i]]>j%k\"")
        #expect(ExportEscaping.pythonString(nasty) == "\"a\\\"b'c\\\\d`e$f&g<h>i]]>j%k\"")
        #expect(ExportEscaping.urlUserinfo("a@b:c/d é%") == "a%40b%3Ac%2Fd%20%C3%A9%25")
        #expect(ExportEscaping.pythonString("\u{1F44D}") == "\"\\U0001F44D\"")
    }
}
