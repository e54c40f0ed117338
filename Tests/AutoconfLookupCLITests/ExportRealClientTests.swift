import Foundation
import MailSettings
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files the export writers make, read by the real clients (design, "The test world"):
/// each client says what it read, and that must be what was meant. Nothing touches the network.
///
/// A test whose client is missing skips, naming the Debian package (Scripts/test.sh installs
/// them), except under `AUTOCONF_REQUIRE_WORLD=1`, where it runs and fails.
@Suite("Export files read by the real clients")
struct ExportRealClientTests {
    // MARK: - Sample accounts

    static let address = try! EmailAddress("alice@example.com")

    static func account(
        incoming: ServerSettings? = ServerSettings(protocol: .pop3, hostname: "pop.example.com", port: 995, security: .tls, username: "alice@example.com"),
        outgoing: ServerSettings? = ServerSettings(protocol: .smtp, hostname: "smtp.example.com", port: 465, security: .tls, username: "alice@example.com"),
        name: String? = "Alice Liddell", passwordCommand: String? = nil
    ) -> ExportAccount {
        ExportAccount(address: address, displayName: name, incoming: incoming, outgoing: outgoing, passwordCommand: passwordCommand)
    }

    static func server(_ proto: MailProtocol, _ host: String, _ port: Int, _ security: ConnectionSecurity, _ user: String) -> ServerSettings {
        ServerSettings(protocol: proto, hostname: host, port: port, security: security, username: user)
    }

    // MARK: - msmtp

    @Test(
        "msmtp --pretend reads host, port, TLS, user, from and passwordeval",
        .enabled(if: ExportClients.canRun("msmtp"), ExportClients.skipMessage("msmtp")),
        arguments: [
            (server(.smtp, "smtp.example.com", 465, .tls, "alice@example.com"), "echo s3cret"),
            (server(.smtp, "smtp.españa.es", 587, .starttls, "al \"ice\" \\b #x $(id) `id`"), "echo 'a b' \"c\" > \"$HOME/ran.txt\"; echo pw # x"),
            (server(.smtp, "mail.example.com", 25, .plain, "\"quoted\""), nil),
        ] as [(ServerSettings, String?)])
    func msmtp(server: ServerSettings, command: String?) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try ExportClients.write(.msmtp, Self.account(outgoing: server, passwordCommand: command), in: folder)
        let run = try ExportClients.run("msmtp", ["--pretend", "-C", file.path], home: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let read = ExportClients.keyValues(run.stdout)
        #expect(read["host"] == (server.hostname == "smtp.españa.es" ? "smtp.xn--espaa-rta.es" : server.hostname))
        #expect(read["port"] == String(server.port))
        #expect(read["tls"] == (server.security == .plain ? "off" : "on"))
        if server.security != .plain {
            #expect(read["tls_starttls"] == (server.security == .starttls ? "on" : "off"))
        }
        #expect(read["user"] == server.username)
        #expect(read["from"] == "alice@example.com")
        #expect(read["passwordeval"] == (command ?? "(not set)"))
        #expect(read["auth"] == "choose")
        if command?.contains("ran.txt") == true {
            // msmtp runs passwordeval even with --pretend: the shell got the command exactly.
            #expect((try? String(contentsOf: folder.appendingPathComponent("ran.txt"), encoding: .utf8)) == "a b c\n")
        }
    }

    // MARK: - mpop

    @Test(
        "mpop --pretend reads host, port, TLS, user, passwordeval, delivery and keep",
        .enabled(if: ExportClients.canRun("mpop"), ExportClients.skipMessage("mpop")),
        arguments: [
            (server(.pop3, "pop.example.com", 995, .tls, "alice@example.com"), "echo s3cret"),
            (server(.pop3, "pop.example.com", 110, .starttls, "o'brien \"x\" #y"), "printf '%s' \"$HOME/pw file\" # x"),
        ] as [(ServerSettings, String?)])
    func mpop(server: ServerSettings, command: String?) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try ExportClients.write(.mpop, Self.account(incoming: server, passwordCommand: command), in: folder)
        let run = try ExportClients.run("mpop", ["--pretend", "-C", file.path], home: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let read = ExportClients.keyValues(run.stdout)
        #expect(read["host"] == server.hostname)
        #expect(read["port"] == String(server.port))
        #expect(read["tls"] == "on")
        #expect(read["tls_starttls"] == (server.security == .starttls ? "on" : "off"))
        #expect(read["user"] == server.username)
        #expect(read["passwordeval"] == command)
        #expect(read["delivery"] == "maildir \(folder.path)/Maildir")
        #expect(read["keep"] == "on")
    }

    // MARK: - fetchmail

    @Test(
        "fetchmail --configdump reads server, protocol, service, user, TLS and keep",
        .enabled(if: ExportClients.canRun("fetchmail") && ExportClients.canRun("python3"), ExportClients.skipMessage("fetchmail", "python3")),
        arguments: [
            server(.pop3, "pop.example.com", 995, .tls, "alice@example.com"),
            server(.imap, "imap.example.com", 143, .starttls, "al\"ice \\b$(x)`y`#z 'q' 1\"ab"),
            server(.pop3, "pop.example.com", 110, .plain, "bob"),
        ])
    func fetchmail(server: ServerSettings) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try ExportClients.write(.fetchmail, Self.account(incoming: server, passwordCommand: "pass x"), in: folder)
        let run = try ExportClients.run("fetchmail", ["--configdump", "-f", file.path], home: folder)
        #expect(run.status == 0, "\(run.stderr)")
        // The dump is a Python assignment; Python reads it and hands back the values as JSON.
        let script = """
            import json, sys
            scope = {}
            exec(sys.stdin.read(), scope)
            server = scope["fetchmailrc"]["servers"][0]
            user = server["users"][0]
            print(json.dumps({"count": len(scope["fetchmailrc"]["servers"]), "users": len(server["users"]),
                "pollname": server["pollname"], "protocol": server["protocol"], "service": server["service"],
                "remote": user["remote"], "ssl": user["ssl"], "sslproto": user["sslproto"], "keep": user["keep"],
                "sslcertck": user["sslcertck"], "password": user["password"]}))
            """
        let python = try ExportClients.run("python3", ["-c", script], home: folder, input: run.stdout)
        #expect(python.status == 0, "\(python.stderr)")
        let read = try ExportClients.json(python.stdout)
        #expect(read["count"] as? Int == 1 && read["users"] as? Int == 1)
        #expect(read["pollname"] as? String == server.hostname)
        #expect(read["protocol"] as? String == (server.protocol == .pop3 ? "POP3" : "IMAP"))
        #expect(read["service"] as? String == String(server.port))
        #expect(read["remote"] as? String == server.username)
        #expect(read["ssl"] as? Int == (server.security == .tls ? 1 : 0))
        #expect(read["sslproto"] as? String == (server.security == .plain ? "" : "auto"))
        #expect(read["keep"] as? Int == 1)
        #expect(read["sslcertck"] as? Int == 1)
        #expect(read["password"] is NSNull)
    }

    // MARK: - getmail

    @Test(
        "getmail --dump reads the retriever, server, port, user name and password command",
        .enabled(if: ExportClients.canRun("getmail") && ExportClients.canRun("python3"), ExportClients.skipMessage("getmail", "python3")),
        arguments: [
            (server(.pop3, "pop.example.com", 995, .tls, "alice@example.com"), "SimplePOP3SSLRetriever", "pass show \"mail\" 'x' \\ é $HOME"),
            (server(.imap, "imap.example.com", 993, .tls, "a \"b\" 'c' %(x)s $HOME ; #z é"), "SimpleIMAPSSLRetriever", "echo ')'\"'\"'; import os'"),
            (server(.pop3, "pop.example.com", 110, .plain, "bob"), "SimplePOP3Retriever", nil),
        ] as [(ServerSettings, String, String?)])
    func getmail(server: ServerSettings, type: String, command: String?) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("Maildir/\(sub)"), withIntermediateDirectories: true)
        }
        let state = folder.appendingPathComponent("getmail-state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let file = try ExportClients.write(.getmail, Self.account(incoming: server, passwordCommand: command), in: folder)
        let run = try ExportClients.run("getmail", ["--dump", "--rcfile", file.path, "--getmaildir", state.path], home: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("  retriever:  ") })
        #expect(line.hasPrefix("  retriever:  \(type)("))
        #expect(line.contains("server=\"\(server.hostname)\""))
        #expect(line.contains("port=\"\(server.port)\""))
        #expect(line.contains("username=\"\(server.username)\""))
        // getmail shows the tuple it evaluated with Python's repr; Python makes the expected one.
        let expected: String
        if let command {
            let repr = try ExportClients.run("python3", ["-c", "import sys; print(repr(('/bin/sh', '-c', sys.argv[1])))", command], home: folder)
            expected = repr.stdout.trimmingCharacters(in: .newlines)
        } else {
            expected = "()"
        }
        #expect(line.contains("password_command=\"\(expected)\""), "\(line)")
        #expect(run.stdout.contains("destination:  Maildir(") && run.stdout.contains("path=\"\(folder.path)/Maildir/\""))
        #expect(run.stdout.contains("    delete : False"))
    }

    // MARK: - NeoMutt

    @Test(
        "neomutt -Q reads folder, smtp_url, from, realname, TLS and the password command, with nothing on stderr",
        .enabled(if: ExportClients.canRun("neomutt"), ExportClients.skipMessage("neomutt")),
        arguments: [
            (server(.pop3, "pop.example.com", 995, .tls, "alice@example.com"), server(.smtp, "smtp.example.com", 465, .tls, "alice@example.com"),
             "Alice Liddell", "echo s3cret"),
            (server(.imap, "imap.example.com", 143, .starttls, "a b\"c'd@x/y:z é"), server(.smtp, "smtp.example.com", 587, .starttls, "al'ice"),
             "José \"Pepe\" $USER `id` \\ O'Brien #x; set y=1", "printf '%s' \"s3 cret\" # comment"),
            (server(.pop3, "pop.example.com", 110, .plain, "bob"), server(.smtp, "smtp.example.com", 25, .plain, "bob"), "Bob", nil),
        ] as [(ServerSettings, ServerSettings, String, String?)])
    func neomutt(incoming: ServerSettings, outgoing: ServerSettings, name: String, command: String?) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let account = Self.account(incoming: incoming, outgoing: outgoing, name: name, passwordCommand: command)
        let file = try ExportClients.write(.neomutt, account, in: folder)
        let variables = ["folder", "spoolfile", "smtp_url", "from", "realname", "ssl_force_tls", "ssl_starttls", "pop_pass", "imap_pass", "smtp_pass"]
        let run = try ExportClients.run("neomutt", ["-n", "-F", file.path] + variables.flatMap { ["-Q", $0] }, home: folder)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "NeoMutt complained: \(run.stderr)")
        var read: [String: String] = [:]
        for line in run.stdout.split(separator: "\n") {
            guard line.hasPrefix("set "), let equals = line.range(of: " = ") else { continue }
            read[String(line[line.index(line.startIndex, offsetBy: 4)..<equals.lowerBound])] = ExportClients.neomuttValue(line[equals.upperBound...])
        }
        let isPOP = incoming.protocol == .pop3
        let secure = incoming.security == .tls
        let scheme = isPOP ? (secure ? "pops" : "pop") : (secure ? "imaps" : "imap")
        let folderURL = try #require(read["folder"])
        #expect(folderURL.hasPrefix("\(scheme)://") && folderURL.hasSuffix("@\(incoming.hostname):\(incoming.port)/"))
        #expect(ExportClients.urlUser(folderURL) == incoming.username)
        #expect(read["spool_file"] == (isPOP ? folderURL : folderURL + "INBOX"))
        let smtpURL = try #require(read["smtp_url"])
        #expect(smtpURL.hasPrefix(outgoing.security == .tls ? "smtps://" : "smtp://") && smtpURL.hasSuffix("@\(outgoing.hostname):\(outgoing.port)/"))
        #expect(ExportClients.urlUser(smtpURL) == outgoing.username)
        #expect(read["from"] == "alice@example.com")
        #expect(read["real_name"] == name)
        #expect(read["ssl_force_tls"] == (incoming.security == .plain ? "no" : "yes"))
        #expect(read["ssl_starttls"] == "yes")
        let password = command == nil ? "" : (command!.hasPrefix("printf") ? "s3 cret" : "s3cret")
        #expect(read[isPOP ? "pop_pass" : "imap_pass"] == password)
        #expect(read["smtp_pass"] == password)
    }

    // MARK: - Apple profile

    @Test(
        "plistlib reads the .mobileconfig: keys, values and two distinct well-formed UUIDs",
        .enabled(if: ExportClients.canRun("python3"), ExportClients.skipMessage("python3")),
        arguments: [
            (server(.pop3, "pop.example.com", 995, .tls, "alice@example.com"), "Alice Liddell"),
            (server(.imap, "imap.españa.es", 143, .starttls, "a<b>&\"c'd ]]> é"), "José \"Pepe\" <O'Brien> & ]]> 👩‍💻"),
        ])
    func mobileconfig(incoming: ServerSettings, name: String) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let account = Self.account(incoming: incoming, name: name)
        let file = try ExportClients.write(.mobileconfig, account, in: folder)
        let script = """
            import json, plistlib, sys
            with open(sys.argv[1], "rb") as f:
                print(json.dumps(plistlib.load(f)))
            """
        let run = try ExportClients.run("python3", ["-c", script, file.path], home: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let profile = try ExportClients.json(run.stdout)
        #expect(profile["PayloadType"] as? String == "Configuration")
        #expect(profile["PayloadVersion"] as? Int == 1)
        let payloads = try #require(profile["PayloadContent"] as? [[String: Any]])
        #expect(payloads.count == 1)
        let payload = try #require(payloads.first)
        let host = incoming.hostname == "imap.españa.es" ? "imap.xn--espaa-rta.es" : incoming.hostname
        let expected: [String: Any] = [
            "PayloadType": "com.apple.mail.managed", "PayloadVersion": 1,
            "EmailAccountType": incoming.protocol == .pop3 ? "EmailTypePOP" : "EmailTypeIMAP",
            "EmailAddress": "alice@example.com", "EmailAccountName": name, "EmailAccountDescription": name,
            "IncomingMailServerHostName": host, "IncomingMailServerPortNumber": incoming.port,
            "IncomingMailServerUseSSL": true, "IncomingMailServerUsername": incoming.username,
            "IncomingMailServerAuthentication": "EmailAuthPassword",
            "OutgoingMailServerHostName": "smtp.example.com", "OutgoingMailServerPortNumber": 465,
            "OutgoingMailServerUseSSL": true, "OutgoingMailServerUsername": "alice@example.com",
            "OutgoingMailServerAuthentication": "EmailAuthPassword",
        ]
        for (key, value) in expected {
            #expect((payload[key] as? NSObject) == (value as? NSObject), "\(key): \(String(describing: payload[key]))")
        }
        let profileUUID = try #require(profile["PayloadUUID"] as? String)
        let payloadUUID = try #require(payload["PayloadUUID"] as? String)
        for uuid in [profileUUID, payloadUUID] {
            #expect(UUID(uuidString: uuid)?.uuidString == uuid)
        }
        #expect(profileUUID != payloadUUID)
        #expect(payload["PayloadIdentifier"] as? String == "com.apple.mail.managed.\(payloadUUID)")
        #expect((profile["PayloadIdentifier"] as? String)?.hasSuffix(profileUUID) == true)
        // A second file has new UUIDs.
        let again = try ExportWriters.writer(for: .mobileconfig).write(account).contents
        #expect(!again.contains(profileUUID) && !again.contains(payloadUUID))
    }

    // MARK: - Autodiscover

    @Test(
        "xmllint accepts the Autodiscover response and ElementTree reads back every server",
        .enabled(if: ExportClients.canRun("xmllint") && ExportClients.canRun("python3"), ExportClients.skipMessage("xmllint", "python3")),
        arguments: [
            ("alice@example.com", "Alice Liddell", ConnectionSecurity.tls),
            ("a<b>&\"c'd ]]> é", "José <O'Brien> & \"Co\" ]]>", ConnectionSecurity.starttls),
            ("bob", "Bob", ConnectionSecurity.plain),
        ])
    func autodiscover(user: String, name: String, security: ConnectionSecurity) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let account = Self.account(
            incoming: Self.server(.imap, "imap.example.com", 993, security, user), outgoing: Self.server(.smtp, "smtp.example.com", 587, security, user), name: name)
        let file = try ExportClients.write(.autodiscover, account, in: folder)
        let lint = try ExportClients.run("xmllint", ["--noout", file.path], home: folder)
        #expect(lint.status == 0 && lint.stderr.isEmpty, "\(lint.stderr)")
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            a = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
            root = ET.parse(sys.argv[1]).getroot()
            response = root.find(a + "Response")
            account = response.find(a + "Account")
            print(json.dumps({"root": root.tag, "name": response.find(a + "User").find(a + "DisplayName").text,
                "type": account.find(a + "AccountType").text, "action": account.find(a + "Action").text,
                "protocols": [{child.tag[len(a):]: child.text for child in p} for p in account.findall(a + "Protocol")]}))
            """
        let run = try ExportClients.run("python3", ["-c", script, file.path], home: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let read = try ExportClients.json(run.stdout)
        #expect(read["root"] as? String == "{\(AutodiscoverWriter.responseNamespace)}Autodiscover")
        #expect(read["name"] as? String == name)
        #expect(read["type"] as? String == "email" && read["action"] as? String == "settings")
        let protocols = try #require(read["protocols"] as? [[String: String]])
        #expect(protocols.count == 2)
        let encryption = ["tls": "SSL", "starttls": "TLS", "plain": "None"][security.rawValue]
        for (block, (type, host, port)) in zip(protocols, [("IMAP", "imap.example.com", "993"), ("SMTP", "smtp.example.com", "587")]) {
            #expect(block["Type"] == type && block["Server"] == host && block["Port"] == port)
            #expect(block["LoginName"] == user)
            #expect(block["SSL"] == (security == .plain ? "off" : "on"))
            #expect(block["Encryption"] == encryption)
        }
    }

    // MARK: - Thunderbird

    @Test(
        "our parser and xmllint read the autoconfig file back: same servers, no diagnostics",
        .enabled(if: ExportClients.canRun("xmllint"), ExportClients.skipMessage("xmllint")),
        arguments: [
            ("alice@example.com", "Alice Liddell"),
            ("a<b>&\"c'd ]]> é", "José <O'Brien> & \"Co\" ]]> %REALNAME%"),
        ])
    func thunderbird(user: String, name: String) throws {
        let folder = try ExportClients.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let account = Self.account(
            incoming: Self.server(.pop3, "pop.example.com", 110, .starttls, user), outgoing: Self.server(.smtp, "smtp.example.com", 587, .starttls, user), name: name)
        let file = try ExportClients.write(.thunderbird, account, in: folder)
        let lint = try ExportClients.run("xmllint", ["--noout", file.path], home: folder)
        #expect(lint.status == 0 && lint.stderr.isEmpty, "\(lint.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        let config = ClientConfigParser.parse(Array(text.utf8))
        #expect(config.diagnostics.isEmpty, "\(config.diagnostics)")
        #expect(config.displayName == name)
        let servers = config.servers.map { server in
            server.settings(defaultUsername: "")
        }.map { settings -> ServerSettings in
            var expanded = settings
            expanded.username = Placeholders.expand(settings.username, address: Self.address, domain: Self.address.domain)
            return expanded
        }
        #expect(servers == [account.incoming!, account.outgoing!])
    }
}

/// Finding and running the clients, for ``ExportRealClientTests``.
enum ExportClients {
    /// Each program and the Debian package that brings it.
    static let packages = [
        "msmtp": "msmtp", "mpop": "mpop", "fetchmail": "fetchmail", "getmail": "getmail6", "neomutt": "neomutt",
        "xmllint": "libxml2-utils", "python3": "python3",
    ]

    static let searchPath = ["/usr/local/bin", "/usr/bin", "/bin"]

    /// The program's path, if it is installed.
    static func path(of program: String) -> String? {
        searchPath.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a missing program must fail the tests instead of skipping them (CI).
    static var required: Bool { ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1" }

    /// Whether a test of `program` runs: it is installed, or its absence must fail.
    static func canRun(_ program: String) -> Bool { path(of: program) != nil || required }

    /// Why a test is skipped: the Debian packages of the missing programs.
    static func skipMessage(_ programs: String...) -> Comment {
        let missing = programs.filter { path(of: $0) == nil }.map { packages[$0] ?? $0 }
        return "needs the Debian packages \(missing.joined(separator: ", ")) (Scripts/test.sh installs them)"
    }

    /// A new temporary folder, which serves as HOME too.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes the file of `format` for `account` into `folder`, readable by its owner only.
    static func write(_ format: ExportFormat, _ account: ExportAccount, in folder: URL) throws -> URL {
        let file = try ExportWriters.writer(for: format).write(account)
        let url = folder.appendingPathComponent(file.suggestedFileName)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(file.contents.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ExportClientError("cannot write \(url.path)")
        }
        return url
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `program` with HOME set to `home`, a UTF-8 locale and no terminal; kills it after 30 seconds.
    static func run(_ program: String, _ arguments: [String], home: URL, input: String? = nil) throws -> Run {
        guard let path = path(of: program) else {
            throw ExportClientError("\(program) is not installed: install the Debian package \(packages[program] ?? program) (Scripts/test.sh does)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = home
        process.environment = ["PATH": searchPath.joined(separator: ":"), "HOME": home.path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "USER": "root"]
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            try inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        // Both pipes are read at once, so a large output on one cannot block the child.
        let stderrBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        watchdog.cancel()
        // fetchmail warns about running as root; that line is not about the file.
        let stderr = String(decoding: stderrData, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("Running as root is discouraged") }.joined(separator: "\n")
        return Run(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: stderr)
    }

    /// `key = value` lines (msmtp and mpop `--pretend`).
    static func keyValues(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: " = ") else { continue }
            result[String(line[..<range.lowerBound])] = String(line[range.upperBound...])
        }
        return result
    }

    /// A JSON object printed by Python.
    static func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ExportClientError("not a JSON object: \(text)")
        }
        return object
    }

    /// A value as `neomutt -Q` prints it: `"…"` with `\"` and `\\` escaped, or a bare word.
    static func neomuttValue(_ text: Substring) -> String {
        guard text.first == "\"", text.last == "\"", text.count >= 2 else { return String(text) }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The percent-decoded user of `scheme://user@host:port/`.
    static func urlUser(_ url: String) -> String? {
        guard let start = url.range(of: "://"), let at = url.lastIndex(of: "@") else { return nil }
        return String(url[start.upperBound..<at]).removingPercentEncoding
    }
}

/// Standard error, read on another thread.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

struct ExportClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
