import Foundation
import MailSettings
import Testing

@testable import MailAutoconfig

/// Whether the real mail clients are installed (or must be: CI).
enum MailClients {
    static var available: Bool {
        World.required || ["msmtp", "mpop", "fetchmail", "unshare"].allSatisfy { WorldPrograms.find($0) != nil }
    }
}

/// End to end: the address is resolved against the loopback world (dnsmasq names every host,
/// nginx publishes the domain's autoconfig file, Dovecot serves `mail.dovecot.test`), `export` writes the mpop, fetchmail and msmtp files,
/// and the real clients use them to fetch the seeded message over POP3S and to send one through
/// submission.
///
/// The clients resolve names with the system's resolver, which must not be touched: each runs in
/// a mount namespace of its own (`unshare -m`) where a private `/etc/hosts` names the server. The
/// exported files are used as written, with only what a test harness must add: the test CA as a
/// trust file, and the port when the world could not have the standard one.
@Suite(
    "export end to end: mpop, fetchmail and msmtp against Dovecot",
    .serialized,
    .enabled(
        if: MailWorld.canRun && DNSWorld.canRun && MailClients.available,
        "needs Dovecot, dnsmasq, msmtp, mpop, fetchmail and unshare (Scripts/test.sh installs them)")
)
struct ExportEndToEndTests {
    /// A private folder: HOME for the clients, the hosts file, the password file, the exports.
    static func makeHome() throws -> URL {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("export-e2e-\(UUID().uuidString)")
        for folder in ["Maildir/cur", "Maildir/new", "Maildir/tmp"] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        return home
    }

    /// Runs a client with HOME set and `/etc/hosts` naming the world, in its own mount namespace.
    static func runClient(_ command: String, home: URL, hosts: String, input: String? = nil) throws -> (status: Int32, output: String) {
        let hostsFile = home.appendingPathComponent("hosts")
        try hosts.write(to: hostsFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WorldPrograms.find("unshare") ?? "/usr/bin/unshare")
        process.arguments = ["-m", "/bin/sh", "-c", "mount --bind '\(hostsFile.path)' /etc/hosts && \(command)"]
        process.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": home.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inputPipe.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Exports `format` for alice through the CLI, pointed at the world; returns the file's text.
    static func export(_ format: String, world: MailWorld, dns: DNSWorld, home: URL, extra: [String]) throws -> URL {
        let file = home.appendingPathComponent("\(format)rc")
        let run = try CommandLineTool.run(
            ["export", ProbeDovecotTests.alice.name, "--format", format, "--output", file.path] + extra
                + ProbeDovecotTests.arguments(world, dns: dns))
        #expect(run.status == 0, "\(format): \(run.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(format) file mode")
        return file
    }

    /// The domain's autoconfig file, as its hoster would publish it.
    static let autoconfig = """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1">
          <emailProvider id="dovecot.test">
            <domain>dovecot.test</domain>
            <incomingServer type="pop3"><hostname>mail.dovecot.test</hostname><port>995</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
            <outgoingServer type="smtp"><hostname>mail.dovecot.test</hostname><port>465</port><socketType>SSL</socketType>
              <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
          </emailProvider>
        </clientConfig>

        """

    /// Adds a line right after the first line that starts with `anchor`.
    static func insert(_ line: String, after anchor: String, in file: URL) throws {
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.hasPrefix(anchor) }, "no line starting with \(anchor)")
        lines.insert(line, at: index + 1)
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    }

    static func replace(_ old: String, with new: String, in file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test("mpop and fetchmail fetch the seeded message over POP3S; msmtp sends one through submission")
    func fetchAndSend() async throws {
        let world = try await ProbeDovecotTests.startWorld()
        defer { world.stop() }
        // nginx publishes the domain's autoconfig file, naming the Dovecot server.
        var webOptions = World.Options()
        webOptions.address = "127.0.0.13"
        webOptions.hostNames = ["autoconfig.dovecot.test"]
        webOptions.mismatchedHostName = "wrong.dovecot.test"
        let web = try await World.start(webOptions)
        defer { web.stop() }
        try web.write("autoconfig.dovecot.test", "/mail/config-v1.1.xml", Self.autoconfig)
        let dns = try await DNSWorld.start(
            extraRecords: ProbeDovecotTests.dnsRecords(world) + ["host-record=autoconfig.dovecot.test,\(webOptions.address)"])
        defer { dns.stop() }
        let home = try Self.makeHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let webCA = home.appendingPathComponent("web-ca.pem")
        try web.caPEM.write(to: webCA, atomically: true, encoding: .utf8)
        // The arguments that reach nginx: its CA, and the port when 443 was taken.
        var webArguments = ["--cacert", webCA.path, "--wait-all"]
        if web.httpsPort != 443 {
            webArguments += ["--connect-to", "autoconfig.dovecot.test:443:autoconfig.dovecot.test:\(web.httpsPort)"]
        }
        let lookup = try CommandLineTool.run(
            [ProbeDovecotTests.alice.name, "--json"] + webArguments + ProbeDovecotTests.arguments(world, dns: dns))
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8))) as? [String: Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(sources.contains { $0["id"] as? String == "autoconfig-https" && $0["status"] as? String == "found" }, "\(sources)")
        let hosts = "127.0.0.1 localhost\n\(world.address) \(ProbeDovecotTests.host)\n"
        let passwordFile = home.appendingPathComponent("password")
        try ProbeDovecotTests.alice.password.write(to: passwordFile, atomically: true, encoding: .utf8)
        let passwordCommand = ["--password-command", "cat '\(passwordFile.path)'"]

        // mpop: POP3S, the password from the command, mail left on the server.
        let mpoprc = try Self.export("mpop", world: world, dns: dns, home: home, extra: passwordCommand + webArguments)
        let mpopText = try String(contentsOf: mpoprc, encoding: .utf8)
        #expect(mpopText.contains("host mail.dovecot.test") && mpopText.contains("port 995") && mpopText.contains("keep on"), "\(mpopText)")
        try Self.insert("tls_trust_file \(world.caFile)", after: "account alice", in: mpoprc)
        if world.pop3sPort != 995 { try Self.replace("port 995", with: "port \(world.pop3sPort)", in: mpoprc) }
        let mpop = try Self.runClient("mpop -C '\(mpoprc.path)' --quiet", home: home, hosts: hosts)
        #expect(mpop.status == 0, "mpop: \(mpop.output)")
        let fetched = try FileManager.default.contentsOfDirectory(atPath: home.appendingPathComponent("Maildir/new").path)
        #expect(fetched.count == 1, "mpop delivered \(fetched)")
        let message = try fetched.first.map { try String(contentsOf: home.appendingPathComponent("Maildir/new/\($0)"), encoding: .utf8) } ?? ""
        #expect(message.contains("Subject: Welcome to the mail world"))

        // fetchmail: no password command exists for it; it reads ~/.netrc, as the file's comment says.
        let fetchmailrc = try Self.export("fetchmail", world: world, dns: dns, home: home, extra: webArguments)
        let fetchmailText = try String(contentsOf: fetchmailrc, encoding: .utf8)
        #expect(fetchmailText.contains("~/.netrc"), "\(fetchmailText)")
        try "machine \(ProbeDovecotTests.host) login \(ProbeDovecotTests.alice.name) password \"\(ProbeDovecotTests.alice.password)\"\n"
            .write(to: home.appendingPathComponent(".netrc"), atomically: true, encoding: .utf8)
        chmod(home.appendingPathComponent(".netrc").path, 0o600)
        try Self.insert("    sslcertck sslcertfile \"\(world.caFile)\"", after: "    user ", in: fetchmailrc)
        if world.pop3sPort != 995 { try Self.replace("service 995", with: "service \(world.pop3sPort)", in: fetchmailrc) }
        chmod(fetchmailrc.path, 0o600)
        let mbox = home.appendingPathComponent("fetchmail.mbox")
        let fetchmail = try Self.runClient(
            "fetchmail -f '\(fetchmailrc.path)' --nosyslog --mda 'cat >> \(mbox.path)'", home: home, hosts: hosts)
        #expect(fetchmail.status == 0, "fetchmail: \(fetchmail.output)")
        let fetchedByFetchmail = (try? String(contentsOf: mbox, encoding: .utf8)) ?? ""
        #expect(fetchedByFetchmail.contains("Subject: Welcome to the mail world"), "\(fetchmail.output)")

        // msmtp: submission (the best outgoing server), AUTH with the password command.
        let msmtprc = try Self.export("msmtp", world: world, dns: dns, home: home, extra: passwordCommand + webArguments)
        try Self.insert("tls_trust_file \(world.caFile)", after: "account alice", in: msmtprc)
        if world.submissionsPort != 465 { try Self.replace("port 465", with: "port \(world.submissionsPort)", in: msmtprc) }
        let outgoing = "To: bob@example.test\r\nSubject: Sent with the exported msmtp file\r\n\r\nHello from msmtp.\r\n"
        let msmtp = try Self.runClient("msmtp -C '\(msmtprc.path)' bob@example.test", home: home, hosts: hosts, input: outgoing)
        #expect(msmtp.status == 0, "msmtp: \(msmtp.output)")
        #expect(world.receivedMessages().contains { $0.contains("Subject: Sent with the exported msmtp file") })
    }
}
