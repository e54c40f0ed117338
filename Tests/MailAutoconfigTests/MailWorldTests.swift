import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The mail test world itself: a real Dovecot on loopback with POP3, IMAP, submission and a
/// sink behind it (design, "The test world"). The small line client here stands in for the
/// product's prober until it exists.
@Suite(.serialized, .enabled(if: MailWorld.canRun, MailWorld.skipMessage), .timeLimit(.minutes(2)))
struct MailWorldTests {
    @Test func pop3sGreetsAfterAHandshakeVerifiedForTheHostName() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let greeting = try await LineSession.with(world.address, world.pop3sPort, tls: world.hostName, caPEM: world.caPEM) {
            try await $0.readLine()
        }
        #expect(greeting.hasPrefix("+OK"), "\(world.dovecotLog)")
    }

    @Test func pop3OffersSTLSAndRefusesPlaintextLoginBeforeIt() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let alice = world.users[0]
        try await LineSession.with(world.address, world.pop3Port, caPEM: world.caPEM) { session in
            #expect(try await session.readLine().hasPrefix("+OK"))
            try await session.send("CAPA")
            #expect(try await session.readLine().hasPrefix("+OK"))
            #expect(try await session.readDotTerminated().contains("STLS"))

            let user = try await session.command("USER \(alice.name)")
            let refusal = user.hasPrefix("+OK") ? try await session.command("PASS \(alice.password)") : user
            #expect(refusal.hasPrefix("-ERR"), "\(refusal)")
            #expect(refusal.contains("Plaintext authentication disallowed"), "\(refusal)")

            // After STLS the same login works.
            #expect(try await session.command("STLS").hasPrefix("+OK"))
            try await session.startTLS(serverName: world.hostName)
            #expect(try await session.command("USER \(alice.name)").hasPrefix("+OK"))
            #expect(try await session.command("PASS \(alice.password)").hasPrefix("+OK"), "\(world.dovecotLog)")
            _ = try await session.command("QUIT")
        }
    }

    @Test func pop3sLoginListsAndRetrievesTheSeededMessage() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let alice = world.users[0]
        try await LineSession.with(world.address, world.pop3sPort, tls: world.hostName, caPEM: world.caPEM) { session in
            #expect(try await session.readLine().hasPrefix("+OK"))
            #expect(try await session.command("USER \(alice.name)").hasPrefix("+OK"))
            let login = try await session.command("PASS \(alice.password)")
            #expect(login.hasPrefix("+OK"), "\(login) \(world.dovecotLog)")
            let stat = try await session.command("STAT")
            #expect(stat.hasPrefix("+OK 1 "), "\(stat)")
            #expect(try await session.command("RETR 1").hasPrefix("+OK"))
            let message = try await session.readDotTerminated()
            #expect(message.contains("Subject: Welcome to the mail world"))
            _ = try await session.command("QUIT")
        }
        // A message delivered later is there too.
        try world.deliver("Subject: Second\r\n\r\nSecond message.\r\n", to: alice.name)
        try await LineSession.with(world.address, world.pop3sPort, tls: world.hostName, caPEM: world.caPEM) { session in
            _ = try await session.readLine()
            _ = try await session.command("USER \(alice.name)")
            _ = try await session.command("PASS \(alice.password)")
            #expect(try await session.command("STAT").hasPrefix("+OK 2 "))
            _ = try await session.command("QUIT")
        }
    }

    @Test func pop3sRefusesAWrongPassword() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        try await LineSession.with(world.address, world.pop3sPort, tls: world.hostName, caPEM: world.caPEM) { session in
            #expect(try await session.readLine().hasPrefix("+OK"))
            #expect(try await session.command("USER \(world.users[1].name)").hasPrefix("+OK"))
            let answer = try await session.command("PASS not the password")
            #expect(answer.hasPrefix("-ERR"), "\(answer)")
        }
    }

    @Test func imapOffersSTARTTLSAndIMAPSShowsTheSeededMessage() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let alice = world.users[0]
        try await LineSession.with(world.address, world.imapPort, caPEM: world.caPEM) { session in
            let greeting = try await session.readLine()
            #expect(greeting.hasPrefix("* OK") && greeting.contains("STARTTLS") && greeting.contains("LOGINDISABLED"), "\(greeting)")
        }
        try await LineSession.with(world.address, world.imapsPort, tls: world.hostName, caPEM: world.caPEM) { session in
            #expect(try await session.readLine().hasPrefix("* OK"))
            try await session.send("a LOGIN \"\(alice.name)\" \"\(alice.password)\"")
            #expect(try await session.readTagged("a").hasPrefix("a OK"), "\(world.dovecotLog)")
            try await session.send("b SELECT INBOX")
            let select = try await session.readUntilTagged("b")
            #expect(select.contains("* 1 EXISTS"), "\(select)")
            try await session.send("c LOGOUT")
            _ = try await session.readTagged("c")
        }
    }

    @Test func submissionOffersSTARTTLSAndAuthOnlyAfterIt() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        try await LineSession.with(world.address, world.submissionPort, caPEM: world.caPEM) { session in
            #expect(try await session.readReply().first?.hasPrefix("220") == true)
            try await session.send("EHLO client.test")
            let before = try await session.readReply()
            #expect(before.contains { $0.contains("STARTTLS") }, "\(before)")
            // Dovecot still says "AUTH" before TLS, with no mechanism after it.
            #expect(!before.contains { $0.contains("AUTH") && ($0.contains("PLAIN") || $0.contains("LOGIN")) }, "\(before)")
            try await session.send("STARTTLS")
            #expect(try await session.readReply().first?.hasPrefix("220") == true)
            try await session.startTLS(serverName: world.hostName)
            try await session.send("EHLO client.test")
            let after = try await session.readReply()
            #expect(after.contains { $0.contains("AUTH") && $0.contains("PLAIN") }, "\(after)")
            try await session.send("QUIT")
            _ = try await session.readReply()
        }
    }

    @Test func mailSubmittedOverSubmissionsArrivesInTheSink() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let alice = world.users[0]
        let subject = "Through the world \(UUID().uuidString)"
        try await LineSession.with(world.address, world.submissionsPort, tls: world.hostName, caPEM: world.caPEM) { session in
            #expect(try await session.readReply().first?.hasPrefix("220") == true)
            try await session.send("EHLO client.test")
            _ = try await session.readReply()
            let credentials = Data("\0\(alice.name)\0\(alice.password)".utf8).base64EncodedString()
            try await session.send("AUTH PLAIN \(credentials)")
            let auth = try await session.readReply()
            #expect(auth.first?.hasPrefix("235") == true, "\(auth) \(world.dovecotLog)")
            for (command, code) in [("MAIL FROM:<\(alice.name)>", "250"), ("RCPT TO:<bob@example.test>", "250"), ("DATA", "354")] {
                try await session.send(command)
                let reply = try await session.readReply()
                #expect(reply.first?.hasPrefix(code) == true, "\(command): \(reply) \(world.dovecotLog)")
            }
            try await session.send("From: \(alice.name)\r\nTo: bob@example.test\r\nSubject: \(subject)\r\n\r\n..a line starting with a dot\r\n.")
            let accepted = try await session.readReply()
            #expect(accepted.first?.hasPrefix("250") == true, "\(accepted) \(world.dovecotLog)")
            try await session.send("QUIT")
            _ = try await session.readReply()
        }
        let received = world.receivedMessages()
        #expect(received.count == 1)
        #expect(received.first?.contains("Subject: \(subject)") == true, "\(received)")
        #expect(received.first?.contains("\r\n.a line starting with a dot\r\n") == true, "\(received)")
    }

    @Test func theMismatchedListenersPresentACertificateForAnotherName() async throws {
        let world = try await MailWorld.start()
        defer { world.stop() }
        let address = try #require(world.mismatchedAddress)
        for port in [try #require(world.mismatchedPop3sPort), try #require(world.mismatchedSubmissionsPort)] {
            await #expect(throws: (any Error).self, "port \(port)") {
                try await LineSession.with(address, port, tls: world.hostName, caPEM: world.caPEM) { try await $0.readLine() }
            }
            // The same CA, and the name it is for: the failure above is the name.
            let greeting = try await LineSession.with(address, port, tls: world.mismatchedCertificateName, caPEM: world.caPEM) {
                try await $0.readLine()
            }
            #expect(greeting.hasPrefix("+OK") || greeting.hasPrefix("220"), "\(greeting)")
        }
    }

    @Test func stoppingFreesThePortsAndTheFolder() async throws {
        let world = try await MailWorld.start()
        let ports = [world.pop3Port, world.pop3sPort, world.imapPort, world.imapsPort, world.submissionPort, world.submissionsPort]
        #expect(ports.allSatisfy { Loopback.isAccepting(world.address, $0) })
        #expect(world.startupDuration < .seconds(10))
        world.stop()
        #expect(!world.dovecotIsRunning)
        #expect(!FileManager.default.fileExists(atPath: world.folder.path))
        #expect(ports.allSatisfy { Loopback.canBind(world.address, $0) })
        // Another world starts at once, on the same standard ports if the first had them (a
        // system Dovecot on 0.0.0.0 takes them from both).
        let again = try await MailWorld.start()
        defer { again.stop() }
        if world.pop3sPort == 995 && world.submissionsPort == 465 {
            #expect(again.pop3sPort == 995 && again.submissionsPort == 465)
        }
    }
}

/// A line-based client over NIO for the tests of the mail world: implicit TLS, STARTTLS
/// upgrade, POP3 and SMTP replies.
private final class LineSession {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let context: NIOSSLContext
    private var pending: [UInt8] = []

    private init(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        _ channel: any Channel, _ context: NIOSSLContext
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.channel = channel
        self.context = context
    }

    struct Closed: Error {}

    /// Connects to `host`:`port` (with TLS for `tls` from the start when given), runs `body`
    /// and closes.
    static func with<T>(
        _ host: String, _ port: Int, tls serverName: String? = nil, caPEM: String, _ body: (LineSession) async throws -> T
    ) async throws -> T {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let serverName {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(LineSession(inbound.makeAsyncIterator(), outbound, channel.channel, context))
        }
    }

    /// One line, without its line end.
    func readLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard let chunk = try await inbound.next() else { throw Closed() }
            pending += chunk.readableBytesView
        }
    }

    /// Sends `line` and a CRLF.
    func send(_ line: String) async throws {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
    }

    /// Sends `line` and reads one line.
    func command(_ line: String) async throws -> String {
        try await send(line)
        return try await readLine()
    }

    /// A POP3 multi-line answer up to its "." line, dot-unstuffed, lines joined with CRLF.
    func readDotTerminated() async throws -> String {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            if line == "." { return lines.joined(separator: "\r\n") }
            lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
        }
    }

    /// An SMTP reply: lines up to the one whose fourth character is a space.
    func readReply() async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            lines.append(line)
            if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return lines }
        }
    }

    /// IMAP: the lines up to and including the one tagged `tag`.
    func readUntilTagged(_ tag: String) async throws -> [String] {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            lines.append(line)
            if line.hasPrefix(tag + " ") { return lines }
        }
    }

    /// IMAP: the line tagged `tag` (untagged lines before it are dropped).
    func readTagged(_ tag: String) async throws -> String {
        try await readUntilTagged(tag).last ?? ""
    }

    /// Starts TLS on the connection (after the server said yes to STLS or STARTTLS).
    func startTLS(serverName: String) async throws {
        let (channel, context) = (channel, context)
        try await channel.eventLoop.submit {
            let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }
}
