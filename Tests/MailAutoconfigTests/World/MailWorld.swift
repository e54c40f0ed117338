import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real Dovecot 2.3 on loopback for the tests that talk POP3, IMAP and submission (design,
/// "The test world"), with a tiny SMTP sink of our own behind submission.
///
/// A mail world is a temporary folder with a test CA and certificates made by `openssl`, a
/// generated Dovecot configuration (no system file is read; base_dir, state, logs and mail all
/// live in the folder), Dovecot running in the foreground as a child of the test process, and a
/// Python SMTP sink that Dovecot's submission service relays to and that writes each message it
/// receives to ``sinkFolder``.
///
/// Every service listens on ``address`` (127.0.0.10) on its standard port when that port is
/// free there, else on a free high port: tests read the ports from the properties and never
/// assume the standard ones (a system Dovecot listening on 0.0.0.0 takes them all).
///
/// ```swift
/// let mail = try await MailWorld.start()
/// // POP3S on mail.address:mail.pop3sPort, certificate for mail.hostName, trust mail.caPEM
/// try mail.deliver("Subject: hi\r\n\r\nhello\r\n", to: "alice@example.test")
/// ```
///
/// Plaintext authentication is refused before TLS (`disable_plaintext_auth = yes`), as on a
/// real provider. Connections must come from another loopback address than the one Dovecot
/// listens on (clients use 127.0.0.1 by default), since Dovecot calls a connection whose two
/// ends have the same address secure.
///
/// If the test process dies without stopping the world, the sink (which watches its parent)
/// stops Dovecot and removes the folder within a second.
final class MailWorld: Sendable {
    /// What the world serves.
    struct Options: Sendable {
        /// Where every service listens.
        var address = "127.0.0.10"
        /// The only name in the certificate presented on ``address``.
        var hostName = "mail.example.test"
        /// Where a second set of TLS listeners (POP3S, IMAPS, submissions) presents a
        /// certificate for ``mismatchedCertificateName`` only; nil for none.
        var mismatchedAddress: String? = "127.0.0.11"
        /// The only name in the certificate presented on ``mismatchedAddress``.
        var mismatchedCertificateName = "other.test"
        /// The accounts (passwd-file, `{PLAIN}` scheme) and their passwords.
        var users: [(name: String, password: String)] = [
            ("alice@example.test", "correct horse battery"),
            ("bob@example.test", "hunter2 with spaces"),
        ]
        /// Whether ``MailWorld/seededMessage`` is put in the first user's INBOX at start.
        var seedsMessage = true
    }

    /// The message put in the first user's INBOX when ``Options/seedsMessage`` is set.
    static let seededMessage = """
        From: Carol <carol@example.test>\r
        To: Alice <alice@example.test>\r
        Subject: Welcome to the mail world\r
        Date: Fri, 27 Nov 2026 10:00:00 +0000\r
        Message-ID: <seed-1@example.test>\r
        \r
        This message was seeded by MailWorld.\r

        """

    /// The temporary folder everything lives in.
    let folder: URL
    /// The test CA's certificate, in PEM, to give the client as its trust root.
    let caPEM: String
    /// The path of the test CA's certificate (for clients configured with a file, such as
    /// fetchmail's `sslcertfile` or msmtp's `tls_trust_file`).
    let caFile: String
    /// Where every service listens.
    let address: String
    /// The name the certificate on ``address`` is for.
    let hostName: String
    /// POP3 with STLS offered (110 unless it was taken).
    let pop3Port: Int
    /// POP3 over implicit TLS (995 unless taken).
    let pop3sPort: Int
    /// IMAP with STARTTLS offered (143 unless taken).
    let imapPort: Int
    /// IMAP over implicit TLS (993 unless taken).
    let imapsPort: Int
    /// Submission with STARTTLS (587 unless taken); AUTH is offered only after STARTTLS.
    let submissionPort: Int
    /// Submission over implicit TLS (465 unless taken).
    let submissionsPort: Int
    /// Where the listeners with a certificate for another name are, if any.
    let mismatchedAddress: String?
    /// The name the certificate on ``mismatchedAddress`` is for.
    let mismatchedCertificateName: String
    /// POP3S on ``mismatchedAddress`` (995 unless taken).
    let mismatchedPop3sPort: Int?
    /// IMAPS on ``mismatchedAddress`` (993 unless taken).
    let mismatchedImapsPort: Int?
    /// Submissions on ``mismatchedAddress`` (465 unless taken).
    let mismatchedSubmissionsPort: Int?
    /// Where the SMTP sink writes each message relayed to it, one `.eml` file each.
    let sinkFolder: URL
    /// The SMTP sink's port (on ``address``), which Dovecot relays submitted mail to.
    let sinkPort: Int
    /// The accounts.
    let users: [(name: String, password: String)]
    /// How long ``start(_:)`` took to start the servers (certificates included).
    let startupDuration: Duration

    private let dovecotPID: pid_t
    private let sinkPID: pid_t
    private let mailOwner: (uid: uid_t, gid: gid_t)
    private let deliveries = Mutex(0)
    private let stopped = Mutex(false)

    // MARK: - Availability

    /// The programs and files the world needs, and the Debian package that brings each.
    private static let requirements: [(check: @Sendable () -> Bool, package: String)] = [
        ({ WorldPrograms.find("dovecot") != nil }, "dovecot-core"),
        ({ libexecProgram("pop3") != nil }, "dovecot-pop3d"),
        ({ libexecProgram("imap") != nil }, "dovecot-imapd"),
        ({ libexecProgram("submission") != nil }, "dovecot-submissiond"),
        ({ WorldPrograms.find("openssl") != nil }, "openssl"),
        ({ WorldPrograms.find("python3") != nil }, "python3"),
    ]

    /// The Debian packages of what is missing.
    static var missingPackages: [String] {
        requirements.filter { !$0.check() }.map(\.package)
    }

    /// Whether everything the world runs is installed.
    static var available: Bool { missingPackages.isEmpty }

    /// Whether mail world tests run: the programs are there, or their absence must fail (CI,
    /// `AUTOCONF_REQUIRE_WORLD=1`).
    static var canRun: Bool { available || World.required }

    /// Why mail world tests are skipped.
    static var skipMessage: Comment {
        "needs the Debian packages \(missingPackages.joined(separator: ", ")) (Scripts/test.sh installs them)"
    }

    /// A program of Dovecot's that is not in PATH (the POP3, IMAP and submission services).
    private static func libexecProgram(_ name: String) -> String? {
        for folder in ["/usr/lib/dovecot", "/usr/libexec/dovecot", "/usr/local/libexec/dovecot"] {
            let candidate = folder + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    // MARK: - Starting and stopping

    /// Builds the world and starts its servers, on a thread of its own: the setup waits for
    /// programs and ports, and must not hold up the threads other tests run on.
    static func start(_ options: Options = Options()) async throws -> MailWorld {
        try await WorldPrograms.onOwnThread { try MailWorld(options) }
    }

    /// Builds the world and starts its servers, blocking the calling thread meanwhile (prefer
    /// ``start(_:)`` in async tests).
    init(_ options: Options = Options()) throws {
        let missing = Self.missingPackages
        guard missing.isEmpty else {
            throw WorldError("the mail test world needs the Debian packages \(missing.joined(separator: ", ")); install them (Scripts/test.sh does)")
        }
        guard let dovecot = WorldPrograms.find("dovecot"), let python = WorldPrograms.find("python3") else {
            throw WorldError("dovecot or python3 vanished")
        }
        let clock = ContinuousClock()
        let began = clock.now
        // Dovecot refuses root for mail processes: mail belongs to Debian's `mail` account.
        guard let owner = Self.account("mail") else {
            throw WorldError("the account `mail` does not exist (Debian's base-passwd makes it)")
        }
        mailOwner = owner
        address = options.address
        hostName = options.hostName
        mismatchedAddress = options.mismatchedAddress
        mismatchedCertificateName = options.mismatchedCertificateName
        users = options.users

        // A short path in /tmp whatever TMPDIR says: Dovecot's sockets live in it, and a socket
        // path has at most 107 bytes.
        var template = Array("/tmp/autoconf-mail-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw WorldError("could not make a folder in /tmp: \(String(cString: strerror(errno)))")
        }
        let folder = URL(fileURLWithPath: String(cString: made))
        self.folder = folder
        sinkFolder = folder.appendingPathComponent("sink")

        var sinkPID: pid_t = 0
        let dovecotPID: pid_t
        do {
            // Dovecot's login processes (dovenull) and mail processes (mail) walk into the folder.
            chmod(folder.path, 0o755)
            for sub in ["run", "state", "mail", "sink"] {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            chown(folder.appendingPathComponent("mail").path, owner.uid, owner.gid)

            try Self.installCertificates(for: options, in: folder)
            caFile = folder.appendingPathComponent("ca.crt").path
            caPEM = try String(contentsOfFile: caFile, encoding: .utf8)

            let passwd = options.users.map { "\($0.name):{PLAIN}\($0.password)::::::\n" }.joined()
            try Data(passwd.utf8).write(to: folder.appendingPathComponent("users"))

            // Servers start one at a time across worlds and test processes, so that two never
            // pick the same port.
            let lock = WorldPrograms.lock()
            defer { WorldPrograms.unlock(lock) }

            let sink = try Self.startSink(python: python, address: options.address, in: folder)
            sinkPID = sink.pid
            sinkPort = sink.port

            var attempt = 0
            var started: (pid: pid_t, ports: Ports)?
            while started == nil {
                attempt += 1
                // The standard ports first; after a failure, high ports only.
                let ports = try Self.choosePorts(options, standard: attempt == 1)
                let configuration = Self.configuration(options, ports: ports, sinkPort: sink.port, in: folder)
                let configurationPath = folder.appendingPathComponent("dovecot.conf").path
                try Data(configuration.utf8).write(to: URL(fileURLWithPath: configurationPath))
                do {
                    let pid = try Self.startDovecot(dovecot, configurationPath, ports: ports, options: options, in: folder)
                    started = (pid, ports)
                } catch where attempt < 3 {
                    continue
                }
            }
            dovecotPID = started!.pid
            let ports = started!.ports
            pop3Port = ports.pop3
            pop3sPort = ports.pop3s
            imapPort = ports.imap
            imapsPort = ports.imaps
            submissionPort = ports.submission
            submissionsPort = ports.submissions
            mismatchedPop3sPort = ports.mismatched?.pop3s
            mismatchedImapsPort = ports.mismatched?.imaps
            mismatchedSubmissionsPort = ports.mismatched?.submissions
        } catch {
            if sinkPID > 0 { WorldPrograms.stopChild(pid: sinkPID) }
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        self.dovecotPID = dovecotPID
        self.sinkPID = sinkPID
        startupDuration = clock.now - began

        if options.seedsMessage, let first = options.users.first {
            try deliver(Self.seededMessage, to: first.name)
        }
    }

    deinit {
        stop()
    }

    /// Stops Dovecot and the sink and removes the folder (again is harmless).
    func stop() {
        let first = stopped.withLock { wasStopped in
            defer { wasStopped = true }
            return !wasStopped
        }
        guard first else { return }
        WorldPrograms.stopGroup(leader: dovecotPID, patience: Self.stopPatience)
        WorldPrograms.stopChild(pid: sinkPID)
        try? FileManager.default.removeItem(at: folder)
    }

    /// How long Dovecot's processes get to end after SIGTERM before SIGKILL. Told to stop while
    /// still starting, some of them were seen to take seconds; nothing of theirs needs keeping.
    private static let stopPatience = Duration.milliseconds(500)

    /// Whether Dovecot is still running (for tests of the world itself).
    var dovecotIsRunning: Bool { WorldPrograms.isRunning(pid: dovecotPID) }

    // MARK: - Mail

    /// Puts a message in `user`'s INBOX (a file in `new/` of their maildir, owned by the mail
    /// account), as a delivery agent would. Line ends are stored as LF; Dovecot sends CRLF.
    func deliver(_ rfc822: String, to user: String) throws {
        let maildir = folder.appendingPathComponent("mail/\(user)/Maildir")
        var created: [String] = []
        for path in [folder.appendingPathComponent("mail/\(user)").path, maildir.path]
            + ["cur", "new", "tmp"].map({ maildir.appendingPathComponent($0).path })
        where !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            created.append(path)
        }
        for path in created { chown(path, mailOwner.uid, mailOwner.gid) }

        let number = deliveries.withLock { count in
            count += 1
            return count
        }
        let now = Date().timeIntervalSince1970
        let name = "\(Int(now)).M\(Int((now - now.rounded(.down)) * 1_000_000))P\(getpid())Q\(number).mailworld"
        let text = rfc822.replacingOccurrences(of: "\r\n", with: "\n")
        let temporary = maildir.appendingPathComponent("tmp/\(name)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        chmod(temporary, 0o600)
        chown(temporary, mailOwner.uid, mailOwner.gid)
        guard rename(temporary, maildir.appendingPathComponent("new/\(name)").path) == 0 else {
            throw WorldError("could not deliver to \(user): \(String(cString: strerror(errno)))")
        }
    }

    /// The messages the SMTP sink has received so far (as sent in DATA, dot-unstuffed, CRLF
    /// line ends), oldest first. Dovecot answers the client's DATA only after the sink has
    /// taken the message, so a message submitted successfully is already here.
    func receivedMessages() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: sinkFolder.path)) ?? [])
            .filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { try? String(contentsOf: sinkFolder.appendingPathComponent($0), encoding: .utf8) }
    }

    /// The end of Dovecot's log (its own log file, then what it printed), for failure messages.
    var dovecotLog: String { Self.logTail(in: folder) }

    // MARK: - Ports

    private struct Ports {
        var pop3, pop3s, imap, imaps, submission, submissions: Int
        var mismatched: (pop3s: Int, imaps: Int, submissions: Int)?

        var all: [(String, Int)] {
            var list = [pop3, pop3s, imap, imaps, submission, submissions].map { ("", $0) }
            if let mismatched { list += [mismatched.pop3s, mismatched.imaps, mismatched.submissions].map { ("m", $0) } }
            return list
        }
    }

    /// Each service's standard port when `standard` and it is free on its address, else a
    /// free high port.
    private static func choosePorts(_ options: Options, standard: Bool) throws -> Ports {
        var taken: [String: Set<Int>] = [:]
        func pick(_ address: String, _ standardPort: Int) throws -> Int {
            if standard, !taken[address, default: []].contains(standardPort), Loopback.canBind(address, standardPort) {
                taken[address, default: []].insert(standardPort)
                return standardPort
            }
            for _ in 0..<20 {
                if let port = Loopback.freePort(address), !taken[address, default: []].contains(port) {
                    taken[address, default: []].insert(port)
                    return port
                }
            }
            throw WorldError("no free port on \(address); is it a loopback address of this machine?")
        }
        let a = options.address
        var ports = Ports(
            pop3: try pick(a, 110), pop3s: try pick(a, 995), imap: try pick(a, 143), imaps: try pick(a, 993),
            submission: try pick(a, 587), submissions: try pick(a, 465))
        if let m = options.mismatchedAddress {
            ports.mismatched = (try pick(m, 995), try pick(m, 993), try pick(m, 465))
        }
        return ports
    }

    // MARK: - Dovecot

    private static func configuration(_ options: Options, ports: Ports, sinkPort: Int, in folder: URL) -> String {
        let w = folder.path
        let a = options.address
        func listener(_ name: String, _ address: String, _ port: Int, ssl: Bool) -> String {
            """
              inet_listener \(name) {
                address = \(address)
                port = \(port)
                ssl = \(ssl ? "yes" : "no")
              }

            """
        }
        var pop3 = listener("pop3", a, ports.pop3, ssl: false) + listener("pop3s", a, ports.pop3s, ssl: true)
        var imap = listener("imap", a, ports.imap, ssl: false) + listener("imaps", a, ports.imaps, ssl: true)
        var submission =
            listener("submission", a, ports.submission, ssl: false) + listener("submissions", a, ports.submissions, ssl: true)
        var mismatchedBlock = ""
        if let m = options.mismatchedAddress, let mismatched = ports.mismatched {
            pop3 += listener("pop3s_mismatched", m, mismatched.pop3s, ssl: true)
            imap += listener("imaps_mismatched", m, mismatched.imaps, ssl: true)
            submission += listener("submissions_mismatched", m, mismatched.submissions, ssl: true)
            mismatchedBlock = """
                # The listeners on \(m) present a certificate for \(options.mismatchedCertificateName) only.
                local \(m) {
                  ssl_cert = <\(w)/mismatched.crt
                  ssl_key = <\(w)/mismatched.key
                }

                """
        }
        let dh = FileManager.default.fileExists(atPath: "/usr/share/dovecot/dh.pem") ? "ssl_dh = </usr/share/dovecot/dh.pem\n" : ""
        return """
            # Generated by MailWorld (Tests/MailAutoconfigTests/World/MailWorld.swift).
            instance_name = autoconf-mailworld-\(folder.lastPathComponent)
            base_dir = \(w)/run
            state_dir = \(w)/state
            log_path = \(w)/dovecot.log
            info_log_path = \(w)/dovecot.log
            debug_log_path = \(w)/dovecot.log
            auth_verbose = yes
            # Dovecot waits 2 s before answering a wrong password; the tests need not.
            auth_failure_delay = 0
            protocols = pop3 imap submission
            listen = \(a)
            hostname = \(options.hostName)
            login_greeting = Dovecot MailWorld ready.

            ssl = yes
            ssl_cert = <\(w)/main.crt
            ssl_key = <\(w)/main.key
            \(dh)\(mismatchedBlock)
            disable_plaintext_auth = yes
            auth_mechanisms = plain login
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(w)/users
            }
            userdb {
              driver = static
              args = uid=mail gid=mail home=\(w)/mail/%u
            }
            first_valid_uid = 1
            first_valid_gid = 1
            mail_uid = mail
            mail_gid = mail
            mail_location = maildir:~/Maildir
            pop3_uidl_format = %08Xu%08Xv

            submission_relay_host = \(a)
            submission_relay_port = \(sinkPort)
            submission_relay_ssl = no

            service pop3-login {
            \(pop3)}
            service imap-login {
            \(imap)}
            service submission-login {
            \(submission)}

            """
    }

    /// Starts Dovecot in the foreground and waits until every port accepts.
    private static func startDovecot(
        _ executable: String, _ configuration: String, ports: Ports, options: Options, in folder: URL
    ) throws -> pid_t {
        let output = folder.appendingPathComponent("dovecot.out").path
        // In a process group of its own: stopping ends the master and every worker at once
        // (the master alone, told to stop while its workers are still starting, waits for them).
        let pid = try WorldPrograms.spawn(executable, ["-F", "-c", configuration], output: output, newProcessGroup: true)
        // For the sink's watch: it stops this process if the test process dies.
        try? Data("\(pid)\n".utf8).write(to: folder.appendingPathComponent("dovecot.pid"))
        var addresses = [options.address: ports.all.filter { $0.0 == "" }.map(\.1)]
        if let m = options.mismatchedAddress { addresses[m] = ports.all.filter { $0.0 == "m" }.map(\.1) }
        let clock = ContinuousClock()
        let start = clock.now
        for (address, list) in addresses {
            for port in list {
                while !Loopback.isAccepting(address, port) {
                    if WorldPrograms.hasEnded(child: pid) {
                        kill(-pid, SIGKILL)  // workers it may have left
                        throw WorldError("dovecot exited at start: \(logTail(in: folder))")
                    }
                    if clock.now - start > .seconds(10) {
                        WorldPrograms.stopGroup(leader: pid, patience: stopPatience)
                        throw WorldError("dovecot does not accept on \(address):\(port) after 10 s: \(logTail(in: folder))")
                    }
                    usleep(5_000)
                }
            }
        }
        return pid
    }

    private static func logTail(in folder: URL, lines: Int = 30) -> String {
        var text = ""
        for name in ["dovecot.log", "dovecot.out"] {
            let content = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            let tail = content.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
            if !tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { text += "\n[\(name)]\n" + tail }
        }
        return text.isEmpty ? "(no log)" : text
    }

    private static func account(_ name: String) -> (uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam(name) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    // MARK: - Certificates

    /// One CA, a certificate for ``Options/hostName`` and one for
    /// ``Options/mismatchedCertificateName``, made once per test process for each pair of names.
    private static func installCertificates(for options: Options, in folder: URL) throws {
        try TestCertificates.install(
            authority: "swift-mail-autoconfig Mail Test CA", main: [options.hostName],
            mismatched: [options.mismatchedCertificateName], in: folder)
    }

    // MARK: - The SMTP sink

    private static func startSink(python: String, address: String, in folder: URL) throws -> (pid: pid_t, port: Int) {
        let script = folder.appendingPathComponent("smtp_sink.py")
        try Data(sinkScript.utf8).write(to: script)
        let portFile = folder.appendingPathComponent("sink.port")
        let log = folder.appendingPathComponent("sink.log").path
        let pid = try WorldPrograms.spawn(
            python,
            [
                script.path, address, folder.appendingPathComponent("sink").path, portFile.path,
                folder.appendingPathComponent("dovecot.pid").path, folder.path,
            ],
            output: log)
        let port = try WorldPrograms.ports(1, from: portFile, of: pid, name: "the SMTP sink", log: log)
        return (pid, port[0])
    }

    /// An SMTP server that accepts everything and writes each message to a file (the
    /// deprecated `smtpd` module is gone from recent Pythons), and that watches the test
    /// process: if it dies (this script's parent changes), the script stops Dovecot, removes
    /// the world's folder and exits.
    private static let sinkScript = #"""
        import asyncio, os, shutil, signal, sys, time

        host, sink_folder, port_file, dovecot_pid_file, world_folder = sys.argv[1:6]
        parent = os.getppid()
        count = 0

        async def handle(reader, writer):
            global count
            def send(text):
                writer.write(text.encode("utf-8") + b"\r\n")
            try:
                send("220 sink.test ESMTP MailWorld sink")
                await writer.drain()
                while True:
                    line = await reader.readline()
                    if not line:
                        break
                    verb = line.decode("utf-8", "replace").strip().split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        send("250-sink.test")
                        send("250-8BITMIME")
                        send("250 SIZE 52428800")
                    elif verb == "HELO":
                        send("250 sink.test")
                    elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                        send("250 2.0.0 OK")
                    elif verb == "DATA":
                        send("354 End data with <CR><LF>.<CR><LF>")
                        await writer.drain()
                        lines = []
                        while True:
                            data = await reader.readline()
                            if not data:
                                return
                            if data in (b".\r\n", b".\n"):
                                break
                            if data.startswith(b"."):
                                data = data[1:]
                            lines.append(data)
                        count += 1
                        name = os.path.join(sink_folder, "%06d.eml" % count)
                        with open(name + ".part", "wb") as output:
                            output.write(b"".join(lines))
                        os.rename(name + ".part", name)
                        send("250 2.0.0 OK queued as %d" % count)
                    elif verb == "QUIT":
                        send("221 2.0.0 Bye")
                        await writer.drain()
                        break
                    else:
                        send("502 5.5.2 Command not implemented")
                    await writer.drain()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                pass
            finally:
                try:
                    writer.close()
                except Exception:
                    pass

        def running(pid):
            try:
                with open("/proc/%d/stat" % pid) as stat:
                    return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
            except (OSError, IndexError):
                return False

        async def watch():
            while os.getppid() == parent:
                await asyncio.sleep(0.25)
            try:
                with open(dovecot_pid_file) as pid_file:
                    group = int(pid_file.read().strip())
            except (OSError, ValueError):
                group = None
            if group:
                # Dovecot leads a process group of its own: end all of it.
                for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 0)):
                    try:
                        os.killpg(group, sig)
                    except OSError:
                        break
                    deadline = time.monotonic() + wait
                    while running(group) and time.monotonic() < deadline:
                        await asyncio.sleep(0.05)
            shutil.rmtree(world_folder, ignore_errors=True)
            os._exit(0)

        async def main():
            server = await asyncio.start_server(handle, host, 0)
            with open(port_file + ".part", "w") as output:
                output.write("%d\n" % server.sockets[0].getsockname()[1])
            os.rename(port_file + ".part", port_file)
            await asyncio.gather(server.serve_forever(), watch())

        asyncio.run(main())
        """#
}
