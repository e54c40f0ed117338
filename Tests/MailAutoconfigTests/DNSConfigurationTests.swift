import Foundation
import MailAutoconfig
import Testing

@Suite("DNS servers and resolv.conf")
struct DNSConfigurationTests {
    @Test(
        "server text forms",
        arguments: [
            ("127.0.0.1", "127.0.0.1", 53),
            ("127.0.0.1:5353", "127.0.0.1", 5353),
            ("::1", "::1", 53),
            ("[::1]", "::1", 53),
            ("[::1]:5300", "::1", 5300),
            ("2001:db8::53", "2001:db8::53", 53),
        ])
    func parsesServer(text: String, address: String, port: Int) throws {
        let server = try DNSServer(parsing: text)
        #expect(server.address == address)
        #expect(server.port == port)
    }

    @Test("description brackets IPv6")
    func description() throws {
        #expect(try DNSServer(parsing: "[::1]:5300").description == "[::1]:5300")
        #expect(try DNSServer(parsing: "127.0.0.1").description == "127.0.0.1:53")
    }

    @Test(
        "bad server text gives one line naming it",
        arguments: ["", "dns.example.com", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x",
                    "[::1", "[::1]x", "[127.0.0.1]:53", "[::1]:99999", "300.1.1.1", "127.0.0.1:53:1"])
    func rejectsServer(text: String) {
        #expect {
            try DNSServer(parsing: text)
        } throws: { error in
            guard let error = error as? DNSResolveError else { return false }
            return error.code == .invalidServer && !error.description.contains("\n") && error.description.contains("\"")
        }
    }

    @Test("resolv.conf: nameservers in order, options, comments")
    func resolvConf() throws {
        let text = """
            # generated
            search example.com
            nameserver 127.0.0.53   # local stub
            ; nameserver 10.0.0.1
            nameserver ::1
            nameserver not-an-address
            options edns0 timeout:3 attempts:4 rotate
            """
        let configuration = DNSConfiguration(resolvConf: text)
        #expect(configuration.servers == [try DNSServer(parsing: "127.0.0.53"), try DNSServer(parsing: "::1")])
        #expect(configuration.timeout == .seconds(3))
        #expect(configuration.attempts == 4)
    }

    @Test("resolv.conf: defaults, caps, at most three servers")
    func resolvConfLimits() throws {
        let empty = DNSConfiguration(resolvConf: "")
        #expect(empty.servers == [try DNSServer(parsing: "127.0.0.1")])
        #expect(empty.timeout == DNSConfiguration.defaultTimeout)
        #expect(empty.attempts == DNSConfiguration.defaultAttempts)

        let many = DNSConfiguration(resolvConf: """
            nameserver 127.0.0.1
            nameserver 127.0.0.2
            nameserver 127.0.0.3
            nameserver 127.0.0.4
            options timeout:99 attempts:9
            options attempts:0
            """)
        #expect(many.servers.map(\.address) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        #expect(many.timeout == .seconds(30))
        #expect(many.attempts == 1)
    }

    @Test("resolv.conf: CRLF line ends and tabs")
    func resolvConfWhitespace() {
        let configuration = DNSConfiguration(resolvConf: "nameserver\t127.0.0.9\r\noptions\ttimeout:1\r\n")
        #expect(configuration.servers.map(\.description) == ["127.0.0.9:53"])
        #expect(configuration.timeout == .seconds(1))
    }

    @Test("an unreadable resolv.conf is a one-line error")
    func unreadable() {
        #expect {
            try DNSConfiguration.system(path: "/nonexistent/resolv.conf")
        } throws: { error in
            (error as? DNSResolveError)?.code == .unreadableConfiguration
        }
    }

    @Test("system(path:) reads the file")
    func readsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("resolv-\(UUID().uuidString).conf").path
        try "nameserver 127.0.0.77\noptions attempts:3\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try DNSConfiguration.system(path: path)
        #expect(configuration.servers.map(\.description) == ["127.0.0.77:53"])
        #expect(configuration.attempts == 3)
    }

    @Test("no servers and bad names are errors, not network traffic")
    func noServers() async throws {
        await #expect {
            try await NIODNSResolver(servers: []).query("example.test", type: .a)
        } throws: { error in
            (error as? DNSResolveError)?.code == .noServers
        }
        let resolver = NIODNSResolver(servers: [try DNSServer(parsing: "127.0.0.1:9")])
        await #expect {
            try await resolver.query(String(repeating: "a", count: 64) + ".example.test", type: .a)
        } throws: { error in
            (error as? DNSResolveError)?.code == .invalidName
        }
    }
}
