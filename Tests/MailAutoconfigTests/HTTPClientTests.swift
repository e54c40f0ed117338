import Foundation
import Testing

@testable import MailAutoconfig

/// NIOHTTPClient against a real nginx on loopback (the test world).
///
/// Serialized: every test starts its own world, and the first one free takes 127.0.0.2:443.
@Suite("HTTP client against nginx", .serialized, .enabled(if: World.canRun, World.skipMessage))
struct HTTPClientTests {
    static let config = """
        <?xml version="1.0" encoding="UTF-8"?>
        <clientConfig version="1.1"><emailProvider id="example.test"><domain>example.test</domain></emailProvider></clientConfig>

        """

    /// The world every test here uses: files, redirects and content types.
    static func makeWorld() async throws -> World {
        var options = World.Options()
        options.locations = [
            // A chain of 3: relative, absolute to another of the world's names, 307.
            .redirect(path: "/chain/3", status: 301, to: "/chain/2"),
            .redirect(path: "/chain/2", status: 302, to: "https://example.test/chain/1"),
            .redirect(path: "/chain/1", status: 307, to: "https://autoconfig.example.test/mail/config-v1.1.xml"),
            // Redirect runs of 5 and 6 hops.
            .redirect(path: "/hops/6", status: 302, to: "/hops/5"),
            .redirect(path: "/hops/5", status: 302, to: "/hops/4"),
            .redirect(path: "/hops/4", status: 302, to: "/hops/3"),
            .redirect(path: "/hops/3", status: 302, to: "/hops/2"),
            .redirect(path: "/hops/2", status: 302, to: "/hops/1"),
            .redirect(path: "/hops/1", status: 302, to: "/mail/config-v1.1.xml"),
            // A downgrade, and an upgrade.
            .redirect(path: "/downgrade", status: 301, to: "http://autoconfig.example.test/mail/config-v1.1.xml"),
            .redirect(path: "/upgrade", status: 301, to: "https://autoconfig.example.test/mail/config-v1.1.xml"),
            // POST then 303: the client follows with a GET.
            .redirect(path: "/see-other", status: 303, to: "/mail/config-v1.1.xml"),
            .contentType(path: "/charset.xml", type: "text/xml; charset=utf-8"),
        ]
        let world = try await World.start(options)
        for host in ["autoconfig.example.test", "example.test"] {
            try world.write(host, "/mail/config-v1.1.xml", config)
        }
        try world.write("autoconfig.example.test", "/charset.xml", config)
        try world.write("autoconfig.example.test", "/page.html", "<html><body>not here</body></html>\n")
        try world.write("autodiscover.example.test", "/autodiscover/autodiscover.xml", config)
        try world.write("wrong.example.test", "/mail/config-v1.1.xml", config)
        return world
    }

    static func client(_ world: World, trusting: Bool = true, mapping: AddressMapping? = nil) throws -> NIOHTTPClient {
        try NIOHTTPClient(
            additionalTrustRootsPEM: trusting ? [world.caPEM] : [],
            addressMapping: mapping ?? world.addressMapping)
    }

    /// Runs `fetch` and returns its error, recording an issue when it succeeded.
    static func failure(
        _ client: NIOHTTPClient, _ request: HTTPRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> HTTPFetchError? {
        do {
            let response = try await client.fetch(request)
            Issue.record("expected an error, got \(response.status) from \(response.finalURL)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    @Test func getsAFileWithTheRightContentType() async throws {
        let world = try await Self.makeWorld()
        let client = try Self.client(world)
        let response = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml"))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == Self.config)
        #expect(response.contentType == "application/xml")
        #expect(response.finalURL == "https://autoconfig.example.test/mail/config-v1.1.xml")
        #expect(response.redirectChain.isEmpty)

        // A charset parameter does not matter; plain HTTP works too.
        let charset = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test/charset.xml"))
        #expect(charset.contentType == "text/xml; charset=utf-8")
        let plain = try await client.fetch(HTTPRequest(url: "http://autoconfig.example.test/mail/config-v1.1.xml"))
        #expect(plain.body == response.body)
    }

    @Test func sendsHostUserAgentAndConnectionClose() async throws {
        let world = try await Self.makeWorld()
        _ = try await Self.client(world).fetch(HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml"))
        let expected = ["\"GET /mail/config-v1.1.xml HTTP/1.1\" 200", "swift-mail-autoconfig/0.1"]
        let log = await world.accessLog(containing: expected)
        for line in expected {
            #expect(log.contains(line))
        }
    }

    @Test func notFoundIsAnUnexpectedStatus() async throws {
        let world = try await Self.makeWorld()
        let error = await Self.failure(try Self.client(world), try HTTPRequest(url: "https://autoconfig.example.test/missing.xml"))
        #expect(error?.code == .unexpectedStatus)
        #expect(error?.statusCode == 404)
        #expect(error?.description == "https://autoconfig.example.test/missing.xml: server answered 404 Not Found")
    }

    @Test func htmlIsTheWrongContentType() async throws {
        let world = try await Self.makeWorld()
        let error = await Self.failure(try Self.client(world), try HTTPRequest(url: "https://autoconfig.example.test/page.html"))
        #expect(error?.code == .wrongContentType)
        #expect(error?.contentType == "text/html")

        // The same file is fine for a caller that accepts any type.
        let response = try await Self.client(world).fetch(
            HTTPRequest(url: "https://autoconfig.example.test/page.html", acceptedContentTypes: nil))
        #expect(response.contentType == "text/html")
    }

    @Test func followsAChainOfThreeRedirects() async throws {
        let world = try await Self.makeWorld()
        let response = try await Self.client(world).fetch(HTTPRequest(url: "https://autoconfig.example.test/chain/3"))
        #expect(response.status == 200)
        #expect(response.finalURL == "https://autoconfig.example.test/mail/config-v1.1.xml")
        #expect(
            response.redirectChain == [
                "https://autoconfig.example.test/chain/3",
                "https://autoconfig.example.test/chain/2",
                "https://example.test/chain/1",
            ])
        #expect(String(decoding: response.body, as: UTF8.self) == Self.config)
    }

    @Test func fiveRedirectsAreFollowedSixAreTooMany() async throws {
        let world = try await Self.makeWorld()
        let client = try Self.client(world)
        let five = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test/hops/5"))
        #expect(five.redirectChain.count == 5)

        let error = await Self.failure(client, try HTTPRequest(url: "https://autoconfig.example.test/hops/6"))
        #expect(error?.code == .tooManyRedirects)

        let none = await Self.failure(
            client, try HTTPRequest(url: "https://autoconfig.example.test/hops/1", maximumRedirects: 0))
        #expect(none?.code == .tooManyRedirects)
    }

    @Test func neverFollowsARedirectFromHTTPSToHTTP() async throws {
        let world = try await Self.makeWorld()
        let client = try Self.client(world)
        let error = await Self.failure(client, try HTTPRequest(url: "https://autoconfig.example.test/downgrade"))
        #expect(error?.code == .redirectToHTTP)
        #expect(error?.url == "https://autoconfig.example.test/downgrade")

        // From http to https is fine.
        let upgraded = try await client.fetch(HTTPRequest(url: "http://autoconfig.example.test/upgrade"))
        #expect(upgraded.finalURL == "https://autoconfig.example.test/mail/config-v1.1.xml")
    }

    @Test func refusesACertificateForAnotherName() async throws {
        let world = try await Self.makeWorld()
        let error = await Self.failure(
            try Self.client(world), try HTTPRequest(url: "https://wrong.example.test/mail/config-v1.1.xml"))
        #expect(error?.code == .hostnameMismatch)
        #expect(
            error?.description
                == "https://wrong.example.test/mail/config-v1.1.xml: certificate is for other.test, not wrong.example.test")
    }

    @Test func refusesAnUnknownCAThenAcceptsItWhenAdded() async throws {
        let world = try await Self.makeWorld()
        let request = try HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml")
        let error = await Self.failure(try Self.client(world, trusting: false), request)
        #expect(error?.code == .certificateUntrusted)
        #expect(error?.description.contains("--cacert") == true)

        let response = try await Self.client(world, trusting: true).fetch(request)
        #expect(response.status == 200)
    }

    @Test func aFiftyMegabyteBodyStopsAtTheCap() async throws {
        let world = try await Self.makeWorld()
        try world.writeLargeFile("autoconfig.example.test", "/big.xml", size: 50 << 20)
        let before = ProcessMemory.peakResidentBytes

        let error = await Self.failure(try Self.client(world), try HTTPRequest(url: "https://autoconfig.example.test/big.xml"))
        #expect(error?.code == .bodyTooLarge)

        // The body was not kept: the peak memory of the whole test process grew by far less
        // than 50 MB.
        if let before, let after = ProcessMemory.peakResidentBytes {
            #expect(after - before < 16 << 20, "peak memory grew by \((after - before) >> 20) MiB")
        }

        // Under the cap, a body is read whole: 2 MiB with a 3 MiB cap. (Not the 50 MB file
        // again: decrypting it on a shared event loop in a debug build takes seconds from the
        // other tests running meanwhile.)
        try world.writeLargeFile("autoconfig.example.test", "/two.xml", size: 2 << 20)
        let two = try await Self.client(world).fetch(
            HTTPRequest(url: "https://autoconfig.example.test/two.xml", maximumBodyBytes: 3 << 20))
        #expect(two.body.count == 2 << 20)
        let error2 = await Self.failure(
            try Self.client(world),
            try HTTPRequest(url: "https://autoconfig.example.test/two.xml", maximumBodyBytes: (2 << 20) - 1))
        #expect(error2?.code == .bodyTooLarge)
    }

    @Test func postsABodyAndGetsTheStaticFile() async throws {
        let world = try await Self.makeWorld()
        let client = try Self.client(world)
        let body = Array("<Autodiscover><Request><EMailAddress>alice@example.test</EMailAddress></Request></Autodiscover>".utf8)
        let response = try await client.fetch(
            HTTPRequest(
                url: "https://autodiscover.example.test/autodiscover/autodiscover.xml", method: .post,
                headers: [HTTPHeader("Content-Type", "text/xml")], body: body))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == Self.config)

        // 303 after a POST: followed with a GET.
        let seeOther = try await client.fetch(
            HTTPRequest(url: "https://autoconfig.example.test/see-other", method: .post, body: body))
        #expect(seeOther.finalURL == "https://autoconfig.example.test/mail/config-v1.1.xml")

        let expected = [
            "\"POST /autodiscover/autodiscover.xml HTTP/1.1\" 200", "\"POST /see-other HTTP/1.1\" 303",
            "\"GET /mail/config-v1.1.xml HTTP/1.1\" 200",
        ]
        let log = await world.accessLog(containing: expected)
        for line in expected {
            #expect(log.contains(line))
        }
    }

    @Test func resolveMappingKeepsTheCertificateNameOfTheURL() async throws {
        let world = try await Self.makeWorld()
        let port = world.httpsPort == 443 ? "" : ":\(world.httpsPort)"
        let mapping = try AddressMapping(parsingResolve: ["autoconfig.example.test:\(world.httpsPort):\(world.address)"], parsingConnectTo: [])
        let client = try Self.client(world, mapping: mapping)
        let response = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test\(port)/mail/config-v1.1.xml"))
        #expect(response.status == 200)

        // The same address under a name the certificate lacks is refused: the name checked is
        // the URL's, not the address connected to.
        let other = try AddressMapping(parsingResolve: ["mail.other.test:\(world.httpsPort):\(world.address)"], parsingConnectTo: [])
        let error = await Self.failure(
            try Self.client(world, mapping: other), try HTTPRequest(url: "https://mail.other.test\(port)/mail/config-v1.1.xml"))
        #expect(error?.code == .hostnameMismatch)
    }

    @Test func connectToMappingKeepsTheCertificateNameOfTheURL() async throws {
        let world = try await Self.makeWorld()
        // curl's order: connect-to first (to a backend name), then resolve for that name.
        let mapping = try AddressMapping(
            parsingResolve: ["backend.test:\(world.httpsPort):\(world.address)"],
            parsingConnectTo: ["autoconfig.example.test:443:backend.test:\(world.httpsPort)"])
        let response = try await Self.client(world, mapping: mapping).fetch(
            HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml"))
        #expect(response.status == 200)
        #expect(response.finalURL == "https://autoconfig.example.test/mail/config-v1.1.xml")
    }

    @Test func aClosedPortIsConnectionRefused() async throws {
        let world = try await Self.makeWorld()
        let mapping = try AddressMapping(parsingResolve: [], parsingConnectTo: ["autoconfig.example.test:443:\(world.address):1"])
        let error = await Self.failure(
            try Self.client(world, mapping: mapping), try HTTPRequest(url: "https://autoconfig.example.test/"))
        #expect(error?.code == .connectionRefused)
    }

    @Test func theWorldStopsItsServers() async throws {
        let world = try await Self.makeWorld()
        #expect(world.nginxIsRunning)
        #expect(Loopback.isAccepting(world.address, world.httpsPort))
        world.stop()
        #expect(!world.nginxIsRunning)
        #expect(!FileManager.default.fileExists(atPath: world.folder.path))
    }
}
