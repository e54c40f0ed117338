import Foundation
import MailSettings
import Testing

@testable import MailAutoconfig

/// The prober and `diagnose` against a real Dovecot on loopback (POP3 110 with STARTTLS, POP3S
/// 995, IMAP 143/993, submission 587, submissions 465, a test CA), with dnsmasq naming it
/// `mail.dovecot.test`: success, a wrong password, every wrong port/security pair, a closed
/// port and a certificate for another name.
@Suite(
    "Prober and diagnose against Dovecot",
    .serialized,
    .enabled(if: MailWorld.canRun && DNSWorld.canRun, "needs dovecot-core, dovecot-pop3d, dovecot-imapd, dovecot-submissiond and dnsmasq (Scripts/test.sh installs them)")
)
struct ProbeDovecotTests {
    static let host = "mail.dovecot.test"
    static let alice = (name: "alice@dovecot.test", password: "correct horse battery")

    static func startWorld() async throws -> MailWorld {
        var options = MailWorld.Options()
        options.hostName = host
        options.users = [alice]
        return try await MailWorld.start(options)
    }

    /// Standard ports to where the world really listens (only ports move, never names).
    static func portMoves(_ world: MailWorld) -> [AddressMapping.ConnectTo] {
        let actual = [110: world.pop3Port, 995: world.pop3sPort, 143: world.imapPort, 993: world.imapsPort,
                      587: world.submissionPort, 465: world.submissionsPort]
        return actual.sorted { $0.key < $1.key }.compactMap { standard, port in
            standard == port ? nil : .init(host: host, port: standard, targetHost: host, targetPort: port)
        }
    }

    static func prober(_ world: MailWorld, mapping extra: [AddressMapping.ConnectTo] = []) throws -> NIOServerProber {
        var records = StubDNSResolver()
        records.records[DNSQuestion(name: host, type: .a)] = [.a(DNSIPv4Address(bytes: world.address.split(separator: ".").map { UInt8($0)! })!)]
        records.records[DNSQuestion(name: host, type: .aaaa)] = []
        return try NIOServerProber(
            additionalTrustRootsPEM: [world.caPEM], addressMapping: AddressMapping(connectTo: extra + portMoves(world)),
            dns: records, greetingTimeout: .seconds(1))
    }

    static func server(_ mailProtocol: MailProtocol, _ port: Int, _ security: ConnectionSecurity) -> ServerSettings {
        ServerSettings(protocol: mailProtocol, hostname: host, port: port, security: security, username: alice.name)
    }

    static func verdict(_ prober: NIOServerProber, _ server: ServerSettings, password: String? = alice.password) async -> (Verdict, ProbeObservation) {
        let credentials = password.map { Credentials(username: alice.name, password: $0) }
        let observation = await prober.probe(ProbeTarget(server: server, credentials: credentials, timeout: .seconds(10)))
        return (DiagnosisRules.verdict(for: observation, language: .english), observation)
    }

    @Test("every service logs in with the right password: POP3S, POP3+STARTTLS, IMAPS, IMAP+STARTTLS, submissions, submission")
    func success() async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let prober = try Self.prober(world)
        for (proto, port, security) in [
            (MailProtocol.pop3, 995, ConnectionSecurity.tls), (.pop3, 110, .starttls), (.imap, 993, .tls), (.imap, 143, .starttls),
            (.smtp, 465, .tls), (.smtp, 587, .starttls),
        ] {
            let (verdict, observation) = await Self.verdict(prober, Self.server(proto, port, security))
            #expect(verdict.id == "login-ok", "\(proto) \(port): \(verdict.cause) \(String(describing: observation.problem))")
            #expect(observation.tlsVersion?.hasPrefix("TLSv1.") == true)
            #expect(observation.steps.allSatisfy { $0.passed })
            #expect(observation.steps.contains { $0.kind == .login })
            #expect(observation.session?.tlsUpgraded == (security == .starttls))
            let transcript = observation.session?.transcript.map(\.text).joined(separator: "\n") ?? ""
            #expect(!transcript.contains(Self.alice.password), "the password reached the transcript")
        }
    }

    @Test("a wrong password is bad-credentials; a plain login on 110 is refused as needing encryption")
    func refusedLogins() async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let prober = try Self.prober(world)
        let (wrong, _) = await Self.verdict(prober, Self.server(.pop3, 995, .tls), password: "not the password")
        #expect(wrong.id == "bad-credentials", "\(wrong.cause)")
        let (plain, _) = await Self.verdict(prober, Self.server(.pop3, 110, .plain))
        #expect(plain.id == "encryption-required", "\(plain.cause)")
        let (imap, _) = await Self.verdict(prober, Self.server(.imap, 993, .tls), password: "nope")
        #expect(imap.id == "bad-credentials", "\(imap.cause)")
    }

    @Test(
        "every wrong port and security pair is named, with the fix",
        arguments: [
            (MailProtocol.pop3, 110, ConnectionSecurity.tls, "tls-on-plain-port"),
            (.pop3, 995, .starttls, "plain-on-tls-port"),
            (.pop3, 995, .plain, "plain-on-tls-port"),
            (.imap, 143, .tls, "tls-on-plain-port"),
            (.imap, 993, .starttls, "plain-on-tls-port"),
            (.smtp, 587, .tls, "tls-on-plain-port"),
            (.smtp, 465, .starttls, "plain-on-tls-port"),
            (.smtp, 465, .plain, "plain-on-tls-port"),
        ])
    func wrongPairs(mailProtocol: MailProtocol, port: Int, security: ConnectionSecurity, expected: String) async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let (verdict, observation) = await Self.verdict(try Self.prober(world), Self.server(mailProtocol, port, security), password: nil)
        #expect(verdict.id == expected, "\(verdict.cause) \(String(describing: observation.problem))")
        #expect(verdict.severity == .problem)
        let right = DiagnosisRules.implicitTLSPort(mailProtocol)
        #expect(verdict.fix.contains(String(right)) || verdict.fix.contains(String(DiagnosisRules.startTLSPort(mailProtocol))))
    }

    @Test("a closed port is refused; a certificate for another name is named")
    func refusedAndMismatch() async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let (closed, _) = await Self.verdict(try Self.prober(world), Self.server(.pop3, 2, .tls), password: nil)
        #expect(closed.id == "connection-refused")
        let mismatchedAddress = try #require(world.mismatchedAddress)
        let mismatchedPort = try #require(world.mismatchedPop3sPort)
        let prober = try Self.prober(world, mapping: [.init(host: Self.host, port: 995, targetHost: mismatchedAddress, targetPort: mismatchedPort)])
        let (mismatch, observation) = await Self.verdict(prober, Self.server(.pop3, 995, .tls), password: nil)
        #expect(mismatch.id == "certificate-name-mismatch", "\(String(describing: observation.problem))")
        #expect(mismatch.cause.contains(world.mismatchedCertificateName), "\(mismatch.cause)")
    }

    // MARK: - The command line

    static func dnsRecords(_ world: MailWorld) -> [String] {
        [
            "local=/dovecot.test/",
            "host-record=\(host),\(world.address)",
            "srv-host=_pop3s._tcp.dovecot.test,\(host),995,0,1",
            "srv-host=_submissions._tcp.dovecot.test,\(host),465,0,1",
        ]
    }

    static func arguments(_ world: MailWorld, dns: DNSWorld) -> [String] {
        var arguments = [
            "--dns-server", dns.server.description, "--cacert", world.caFile, "--ispdb-url", "https://127.0.0.1:1/",
            "--timeout", "10", "--no-http",
        ]
        for move in portMoves(world) {
            arguments += ["--connect-to", "\(move.host):\(move.port.map(String.init) ?? ""):\(move.targetHost):\(move.targetPort.map(String.init) ?? "")"]
        }
        // The domain's own HTTPS names do not exist in dnsmasq: the lookup finds SRV only.
        return arguments
    }

    @Test("diagnose with the right password: every check passes but port 25, which is only a warning; exit 0; the password is never printed")
    func diagnoseSuccess() async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let dns = try await DNSWorld.start(extraRecords: Self.dnsRecords(world))
        defer { dns.stop() }
        let run = try CommandLineTool.run(
            ["diagnose", Self.alice.name, "--password-stdin", "--json"] + Self.arguments(world, dns: dns), input: Self.alice.password + "\n")
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(!run.stdout.contains(Self.alice.password) && !run.stderr.contains(Self.alice.password))
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        #expect(json["passed"] as? Bool == true)
        let checks = try #require(json["checks"] as? [[String: Any]])
        let ids = checks.compactMap { ($0["verdict"] as? [String: Any])?["id"] as? String }
        #expect(ids.first == "login-ok", "\(ids)")
        #expect(ids.filter { $0 == "login-ok" }.count == 3, "POP3S, 465 and 587 log in: \(ids)")
        let port25 = try #require(checks.first { (($0["server"] as? [String: Any])?["port"] as? Int) == 25 })
        #expect((port25["verdict"] as? [String: Any])?["severity"] as? String == "warning", "\(port25)")
        let steps = (checks.first?["steps"] as? [[String: Any]])?.compactMap { $0["step"] as? String }
        #expect(steps == ["dns", "connect", "tls", "greeting", "capabilities", "login"])
    }

    @Test("diagnose with your own wrong settings: says what is wrong and exactly what to change (Spanish); a wrong password says so")
    func diagnoseProblems() async throws {
        let world = try await Self.startWorld()
        defer { world.stop() }
        let dns = try await DNSWorld.start(extraRecords: Self.dnsRecords(world))
        defer { dns.stop() }
        let wrongPair = try CommandLineTool.run(
            ["diagnose", Self.alice.name, "--server", Self.host, "--port", "995", "--security", "starttls", "--lang", "es"]
                + Self.arguments(world, dns: dns))
        #expect(wrongPair.status == 1, "\(wrongPair.stderr)")
        #expect(wrongPair.stdout.contains("El puerto 995 espera cifrado desde el primer byte"), "\(wrongPair.stdout)")
        #expect(wrongPair.stdout.contains("seguridad: STARTTLS → SSL/TLS"), "\(wrongPair.stdout)")
        #expect(wrongPair.stdout.contains("Correo entrante recomendado"), "the best server is checked too: \(wrongPair.stdout)")
        #expect(wrongPair.stdout.contains("TLS establecido (TLSv1."), "steps in Spanish: \(wrongPair.stdout)")
        #expect(!wrongPair.stdout.contains("TLS established"), "\(wrongPair.stdout)")

        let badPassword = try CommandLineTool.run(
            ["diagnose", Self.alice.name, "--password-stdin", "--json"] + Self.arguments(world, dns: dns), input: "wrong-password")
        #expect(badPassword.status == 1)
        #expect(!badPassword.stdout.contains("wrong-password"))
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(badPassword.stdout.utf8))) as? [String: Any])
        let first = try #require((json["checks"] as? [[String: Any]])?.first)
        #expect((first["verdict"] as? [String: Any])?["id"] as? String == "bad-credentials", "\(first)")
    }

    @Test("diagnose refuses bad input with one line and exit 64")
    func diagnoseUsage() throws {
        for arguments in [
            ["diagnose", "not an address"],
            ["diagnose", "alice@dovecot.test", "--port", "995"],
            ["diagnose", "alice@dovecot.test", "--server", "mail.dovecot.test"],
            ["diagnose", "alice@dovecot.test", "--server", "mail.dovecot.test", "--port", "4444"],
            ["diagnose", "alice@dovecot.test", "--server", "mail.dovecot.test", "--port", "995", "--security", "ssl"],
            ["diagnose", "dovecot.test", "--password-stdin"],
        ] {
            let run = try CommandLineTool.run(arguments, input: "x")
            #expect(run.status == 64, "\(arguments): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
        }
    }
}

/// `lookup --probe` and guessing against Dovecot: candidates annotated with what their server
/// answered, a dead candidate sunk below the live ones, and guesses kept only when confirmed.
@Suite(
    "lookup --probe and guessed servers against Dovecot",
    .serialized,
    .enabled(if: MailWorld.canRun && DNSWorld.canRun, "needs Dovecot and dnsmasq (Scripts/test.sh installs them)")
)
struct ProbeLookupTests {
    @Test("a domain that publishes nothing: the guesses that answer become the candidates (source guess)")
    func guesses() async throws {
        var options = MailWorld.Options()
        options.hostName = "mail.guess.test"
        options.users = [("alice@guess.test", "pw")]
        let world = try await MailWorld.start(options)
        defer { world.stop() }
        let dns = try await DNSWorld.start(extraRecords: ["local=/guess.test/", "host-record=mail.guess.test,\(world.address)"])
        defer { dns.stop() }
        let resolverDNS = NIODNSResolver(servers: [dns.server], timeout: .seconds(2))
        let moves = [110: world.pop3Port, 995: world.pop3sPort, 143: world.imapPort, 993: world.imapsPort, 587: world.submissionPort, 465: world.submissionsPort]
            .compactMap { standard, port in
                standard == port ? nil : AddressMapping.ConnectTo(host: "mail.guess.test", port: standard, targetHost: "mail.guess.test", targetPort: port)
            }
        let prober = try NIOServerProber(
            additionalTrustRootsPEM: [world.caPEM], addressMapping: AddressMapping(connectTo: moves), dns: resolverDNS,
            greetingTimeout: .seconds(2))
        let resolver = try AutoconfigResolver(http: RecordingTransport(), dns: resolverDNS, prober: prober)
        let result = await resolver.resolve(
            try MailQuery(parsing: "alice@guess.test"), input: "alice@guess.test",
            options: ResolverOptions(timeout: .seconds(10), earlyAnswer: .waitForAll))
        let guess = try #require(result.sources.first { $0.id == .guess })
        #expect(guess.status == .found, "\(guess.detail)")
        #expect(guess.detail.hasPrefix("6 guessed servers probed, 6 answered"), "\(guess.detail)")
        let pop = try #require(result.incoming.first)
        #expect("\(pop.settings.hostname):\(pop.settings.port) \(pop.settings.security)" == "mail.guess.test:995 tls")
        #expect(pop.sources == [.guess])
        #expect(pop.trusted, "a verified certificate for the guessed name")
        #expect(pop.probe?.passed == true && pop.probe?.tlsVersion != nil)
        #expect(pop.settings.username == "alice@guess.test")
        #expect(result.outgoing.first?.settings.port == 465)
        #expect(!result.incoming.contains { $0.settings.hostname == "pop.guess.test" }, "names without an address are never probed")
    }

    @Test("the CLI with --probe: each candidate says what its server answered; a dead one sinks to the bottom")
    func commandLine() async throws {
        let world = try await ProbeDovecotTests.startWorld()
        defer { world.stop() }
        let dns = try await DNSWorld.start(extraRecords: ProbeDovecotTests.dnsRecords(world) + [
            "srv-host=_pop3s._tcp.dovecot.test,dead.dovecot.test,995,0,100",
            "host-record=dead.dovecot.test,127.0.0.12",
        ])
        defer { dns.stop() }
        let run = try CommandLineTool.run(
            ["alice@dovecot.test", "--probe", "--json", "--wait-all"] + ProbeDovecotTests.arguments(world, dns: dns))
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any])
        let incoming = try #require(json["incoming"] as? [[String: Any]])
        let hosts = incoming.compactMap { $0["hostname"] as? String }
        #expect(hosts.first == ProbeDovecotTests.host, "\(hosts)")
        #expect(hosts.last == "dead.dovecot.test", "\(hosts)")
        let live = try #require(incoming.first?["probe"] as? [String: Any])
        #expect(live["passed"] as? Bool == true && live["verdict"] as? String == "server-ok", "\(live)")
        #expect((live["tlsVersion"] as? String)?.hasPrefix("TLSv1.") == true)
        let dead = try #require(incoming.last?["probe"] as? [String: Any])
        #expect(dead["passed"] as? Bool == false && dead["verdict"] as? String == "connection-refused", "\(dead)")
        #expect((incoming.last?["reasons"] as? [String])?.last == "failed the probe: connection-refused")

        let human = try CommandLineTool.run(["alice@dovecot.test", "--probe", "--wait-all"] + ProbeDovecotTests.arguments(world, dns: dns))
        #expect(human.stdout.contains("PROBE"), "\(human.stdout)")
        #expect(human.stdout.contains("✗ connection-refused"), "\(human.stdout)")
        let offline = try CommandLineTool.run(["alice@dovecot.test", "--probe", "--offline"])
        #expect(offline.status == 64 && offline.stderr.contains("--offline"))
    }
}
