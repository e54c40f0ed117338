import Foundation
import MailAutoconfig
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A real dnsmasq on 127.0.0.1 and a free high port, serving made-up names under
/// `example.test` from a generated configuration (design, "The test world").
///
/// ```swift
/// let dns = try await DNSWorld.start()
/// let resolver = NIODNSResolver(servers: [dns.server], timeout: .seconds(2))
/// ```
///
/// dnsmasq runs in the foreground as a child of the test process and is stopped when the
/// world goes away (or at ``stop()``). Tests that need it are enabled with
/// `.enabled(if: DNSWorld.canRun, DNSWorld.skipMessage)`.
final class DNSWorld: Sendable {
    /// The zone dnsmasq answers for; names in it that it does not know get NXDOMAIN.
    static let zone = "example.test"

    /// The TXT record of `big.example.test`: three strings of 250 bytes, more than the 512
    /// bytes dnsmasq is told to put in a UDP answer, so that the answer is truncated.
    static let bigText: [[UInt8]] = ["a", "b", "c"].map { Array(String(repeating: $0, count: 250).utf8) }

    /// The temporary folder of the configuration and log.
    let folder: URL
    /// Where dnsmasq listens (UDP and TCP).
    let server: DNSServer

    private let pid: pid_t
    private let stopped = Mutex(false)

    /// Whether dnsmasq is installed.
    static var available: Bool { WorldPrograms.find("dnsmasq") != nil }

    /// Whether DNS world tests run: dnsmasq is there, or its absence must fail (CI).
    static var canRun: Bool { available || World.required }

    /// Why DNS world tests are skipped.
    static var skipMessage: Comment {
        "needs dnsmasq from the Debian package dnsmasq (Scripts/test.sh installs it)"
    }

    /// The records the world serves, as dnsmasq configuration lines.
    static var records: [String] {
        let big = bigText.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }.joined(separator: ",")
        return [
            "local=/\(zone)/",
            "host-record=pop.example.test,127.0.0.4",
            "host-record=mx.example.test,127.0.0.5",
            "host-record=v6.example.test,::1",
            "srv-host=_pop3s._tcp.example.test,pop.example.test,995,0,1",
            "srv-host=_submissions._tcp.example.test,pop.example.test,465,10,5",
            "srv-host=_submissions._tcp.example.test,mx.example.test,465,20,0",
            "srv-host=_pop3._tcp.example.test",
            "mx-host=example.test,mx.example.test,10",
            "txt-record=example.test,\"v=spf1 -all\"",
            "txt-record=big.example.test,\(big)",
            // SRV only (RFC 6186): _pop3s in RFC 2782 order (priority, then the higher weight),
            // _submissions, and _imaps explicitly not offered (target ".").
            "local=/srvonly.test/",
            "srv-host=_pop3s._tcp.srvonly.test,pop2.srvonly.test,995,10,1",
            "srv-host=_pop3s._tcp.srvonly.test,pop1.srvonly.test,1995,20,100",
            "srv-host=_pop3s._tcp.srvonly.test,pop3.srvonly.test,995,10,60",
            "srv-host=_submissions._tcp.srvonly.test,smtp.srvonly.test,465,0,0",
            "srv-host=_imaps._tcp.srvonly.test",
            // SRV pointing outside the domain, without DNSSEC: not trusted.
            "local=/srvout.test/",
            "srv-host=_imaps._tcp.srvout.test,imap.provider.test,993,0,0",
            // MX to Google Workspace and to Microsoft 365.
            "local=/gtest.test/",
            "mx-host=gtest.test,aspmx.l.google.com,1",
            "mx-host=gtest.test,alt1.aspmx.l.google.com,5",
            "local=/mstest.test/",
            "mx-host=mstest.test,mstest-test.mail.protection.outlook.com,0",
        ]
    }

    /// Writes the configuration and starts dnsmasq, on a thread of its own (the setup waits
    /// for the port). `extraRecords` are dnsmasq lines served besides ``records``.
    static func start(extraRecords: [String] = []) async throws -> DNSWorld {
        try await WorldPrograms.onOwnThread { try DNSWorld(extraRecords: extraRecords) }
    }

    private init(extraRecords: [String]) throws {
        guard let executable = WorldPrograms.find("dnsmasq") else {
            throw WorldError("dnsmasq not found: install the Debian package dnsmasq (Scripts/test.sh does)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-dns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder

        let lock = WorldPrograms.lock()
        defer { WorldPrograms.unlock(lock) }
        guard let port = Self.freeUDPAndTCPPort() else {
            throw WorldError("no free port on 127.0.0.1 for dnsmasq")
        }
        let configuration = [
            "port=\(port)",
            "listen-address=127.0.0.1",
            "bind-interfaces",
            "no-resolv",
            "no-hosts",
            "no-poll",
            "log-facility=-",
            "pid-file=\(folder.path)/dnsmasq.pid",
            // Answers over 512 bytes are truncated in UDP whatever the query's EDNS size says.
            "edns-packet-max=512",
        ] + Self.records + extraRecords
        let configPath = folder.appendingPathComponent("dnsmasq.conf").path
        try (configuration.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        try WorldPrograms.run("dnsmasq", ["--test", "-C", configPath], in: folder)

        let log = folder.appendingPathComponent("dnsmasq.log").path
        pid = try WorldPrograms.spawn(executable, ["-k", "-C", configPath], output: log)
        guard Loopback.waitUntilAccepting("127.0.0.1", port) else {
            WorldPrograms.stopChild(pid: pid)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw WorldError("dnsmasq did not start listening on 127.0.0.1:\(port): \(text)")
        }
        server = try DNSServer(address: "127.0.0.1", port: port)
    }

    /// Stops dnsmasq and removes the folder (again is harmless).
    func stop() {
        let first = stopped.withLock { wasStopped in
            defer { wasStopped = true }
            return !wasStopped
        }
        guard first else { return }
        WorldPrograms.stopChild(pid: pid)
        try? FileManager.default.removeItem(at: folder)
    }

    deinit {
        stop()
    }

    /// A port free for both TCP and UDP on 127.0.0.1.
    private static func freeUDPAndTCPPort() -> Int? {
        for _ in 0..<20 {
            guard let port = Loopback.freePort("127.0.0.1") else { continue }
            if canBindUDP(port) { return port }
        }
        return nil
    }

    private static func canBindUDP(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
