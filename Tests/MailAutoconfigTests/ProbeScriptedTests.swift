import Foundation
import MailSettings
import Testing

@testable import MailAutoconfig

/// The prober and the diagnosis rules against scripted servers, for replies no real server on
/// this machine gives: Gmail's "not enabled for POP access", "application-specific password
/// required", a server that says nothing, another protocol on the port, and a closed port.
@Suite("Prober against scripted servers", .serialized)
struct ProbeScriptedTests {
    static let password = "s3cret-Pässword"

    static func prober(greetingTimeout: Duration = .seconds(5)) throws -> NIOServerProber {
        try NIOServerProber(dns: StubDNSResolver(), greetingTimeout: greetingTimeout)
    }

    static func target(_ mailProtocol: MailProtocol, _ server: ScriptedMailServer, login: Bool = true) -> ProbeTarget {
        ProbeTarget(
            server: ServerSettings(protocol: mailProtocol, hostname: server.address, port: server.port, security: .plain, username: ""),
            credentials: login ? Credentials(username: "alice@gmail.test", password: password) : nil,
            timeout: .seconds(10))
    }

    /// Everything a probe reports, as text, to look for the password in.
    static func everything(_ observation: ProbeObservation) -> String {
        "\(observation) \(observation.session?.transcript.map(\.text) ?? [])"
    }

    @Test("Gmail-style 'not enabled for POP access': pop-disabled, and the password appears nowhere")
    func popDisabled() async throws {
        let server = try ScriptedMailServer(
            greeting: ["+OK Gpop ready for requests from 127.0.0.1"],
            replies: [
                ("CAPA", ["-ERR unknown command"]),
                ("USER", ["+OK send PASS"]),
                ("PASS", ["-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access."]),
                ("QUIT", ["+OK Farewell."]),
            ])
        defer { server.stop() }
        let observation = await (try Self.prober()).probe(Self.target(.pop3, server))
        guard case .loginRejected(.popDisabled, let reply)? = observation.problem else {
            Issue.record("expected pop-disabled, got \(String(describing: observation.problem))")
            return
        }
        #expect(reply.contains("not enabled for POP access"))
        #expect(observation.steps.map(\.kind) == [.dns, .connect, .greeting, .capabilities, .login])
        #expect(observation.steps.last?.passed == false)
        #expect(!Self.everything(observation).contains(Self.password))
        let verdict = DiagnosisRules.verdict(for: observation, language: .spanish)
        #expect(verdict.id == "pop-disabled")
        #expect(verdict.fix.contains("activa POP"))
    }

    @Test("SMTP 'application-specific password required' (534 5.7.9): app-password-required")
    func appPassword() async throws {
        let server = try ScriptedMailServer(
            greeting: ["220 smtp.gmail.test ESMTP ready"],
            replies: [
                ("EHLO", ["250-smtp.gmail.test at your service", "250-SIZE 35882577", "250 AUTH LOGIN PLAIN XOAUTH2"]),
                ("AUTH", [
                    "534-5.7.9 Application-specific password required. Learn more at",
                    "534 5.7.9  https://support.google.test/mail/?p=InvalidSecondFactor",
                ]),
                ("QUIT", ["221 2.0.0 closing connection"]),
            ])
        defer { server.stop() }
        let observation = await (try Self.prober()).probe(Self.target(.smtp, server))
        let verdict = DiagnosisRules.verdict(for: observation, language: .english)
        #expect(verdict.id == "app-password-required", "\(String(describing: observation.problem))")
        #expect(observation.session?.authenticationMechanisms.contains("PLAIN") == true)
        #expect(!Self.everything(observation).contains(Self.password))
        #expect(!verdict.cause.contains(Self.password))
    }

    @Test("a server that accepts the connection and never speaks is called silent after the greeting time")
    func silent() async throws {
        let server = try ScriptedMailServer(greeting: nil, replies: [])
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let observation = await (try Self.prober(greetingTimeout: .milliseconds(300))).probe(Self.target(.pop3, server, login: false))
        #expect(clock.now - start < .seconds(8), "the greeting time was 0.3 s, the probe's 10 s")
        #expect(observation.problem == .silentServer, "\(String(describing: observation.problem))")
        #expect(DiagnosisRules.verdict(for: observation, language: .english).id == "server-silent")
    }

    @Test("SMTP on a POP3 probe: wrong-protocol, naming SMTP")
    func wrongProtocol() async throws {
        let server = try ScriptedMailServer(greeting: ["220 mail.test ESMTP Postfix"], replies: [("QUIT", ["221 bye"])], fallback: ["502 no"])
        defer { server.stop() }
        let observation = await (try Self.prober()).probe(Self.target(.pop3, server, login: false))
        let verdict = DiagnosisRules.verdict(for: observation, language: .english)
        #expect(verdict.id == "wrong-protocol", "\(String(describing: observation.problem))")
        #expect(verdict.cause.contains("speaks SMTP, not POP3"), "\(verdict.cause)")
    }

    @Test("a closed port is refused; a name with no address says so; neither waits for the deadline")
    func refusedAndNoAddress() async throws {
        let prober = try Self.prober()
        let closed = await prober.probe(ProbeTarget(
            server: ServerSettings(protocol: .pop3, hostname: "127.0.0.1", port: 1, security: .tls, username: ""), timeout: .seconds(10)))
        #expect(closed.problem == .connectionRefused)
        #expect(DiagnosisRules.verdict(for: closed, language: .english).id == "connection-refused")
        let missing = await prober.probe(ProbeTarget(
            server: ServerSettings(protocol: .pop3, hostname: "pop.nowhere.test", port: 995, security: .tls, username: ""), timeout: .seconds(10)))
        guard case .noAddress(let detail)? = missing.problem else {
            Issue.record("expected noAddress, got \(String(describing: missing.problem))")
            return
        }
        #expect(detail.contains("NXDOMAIN"))
        #expect(DiagnosisRules.verdict(for: missing, language: .english).id == "dns-no-address")
    }

    @Test("cancelling a probe of a silent server ends it at once")
    func cancellation() async throws {
        let server = try ScriptedMailServer(greeting: nil, replies: [])
        defer { server.stop() }
        let prober = try Self.prober(greetingTimeout: .seconds(60))
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { await prober.probe(ProbeTarget(server: Self.target(.pop3, server).server, timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        _ = await task.value
        #expect(clock.now - start < .seconds(20), "cancelled, not the 60 s deadline")
    }
}
