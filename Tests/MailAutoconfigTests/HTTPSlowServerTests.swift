import Foundation
import Testing

@testable import MailAutoconfig

/// NIOHTTPClient against servers that misbehave on purpose: a deadline is a deadline,
/// cancellation is prompt, an endless body stops at the cap.
@Suite("HTTP client against stalling servers", .serialized, .enabled(if: World.canRun, World.skipMessage))
struct HTTPSlowServerTests {
    static func makeWorld() async throws -> World {
        var options = World.Options()
        options.startsSlowServer = true
        options.locations = [.redirect(path: "/to-stall", status: 302, to: "https://slow.example.test/stall")]
        return try await World.start(options)
    }

    static func client(_ world: World) throws -> NIOHTTPClient {
        try NIOHTTPClient(additionalTrustRootsPEM: [world.caPEM], addressMapping: world.addressMapping)
    }

    /// Fetches and returns the error and how long it took.
    static func timedFailure(_ client: NIOHTTPClient, _ request: HTTPRequest) async -> (HTTPFetchError?, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await client.fetch(request)
            Issue.record("expected an error, got \(response.status)")
            return (nil, clock.now - start)
        } catch {
            return (error, clock.now - start)
        }
    }

    @Test(arguments: ["/stall", "/trickle"])
    func aStallingServerHitsTheDeadline(_ path: String) async throws {
        let world = try await Self.makeWorld()
        let deadline = Duration.seconds(2)
        let request = try HTTPRequest(url: "https://slow.example.test\(path)", timeout: deadline)
        let (error, elapsed) = await Self.timedFailure(try Self.client(world), request)
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("within 2 s") == true)
        // A bound, not a benchmark: at the deadline, not long after it.
        #expect(elapsed >= deadline - .milliseconds(50))
        #expect(elapsed < deadline + .seconds(1))
    }

    @Test func aServerSilentDuringTheHandshakeHitsTheDeadline() async throws {
        let world = try await Self.makeWorld()
        let silentPort = try #require(world.silentPort)
        let mapping = try AddressMapping(parsingResolve: [], parsingConnectTo: ["slow.example.test:443:\(world.slowServerAddress):\(silentPort)"])
        let client = try NIOHTTPClient(additionalTrustRootsPEM: [world.caPEM], addressMapping: mapping)
        let deadline = Duration.milliseconds(1500)
        let (error, elapsed) = await Self.timedFailure(client, try HTTPRequest(url: "https://slow.example.test/", timeout: deadline))
        #expect(error?.code == .timedOut)
        #expect(elapsed < deadline + .seconds(1))
    }

    @Test func oneDeadlineCoversEveryRedirectHop() async throws {
        let world = try await Self.makeWorld()
        // nginx redirects at once; the stall is on the second hop, and the deadline is still
        // the one set at the start.
        let deadline = Duration.milliseconds(1500)
        let request = try HTTPRequest(url: "https://autoconfig.example.test/to-stall", timeout: deadline)
        let (error, elapsed) = await Self.timedFailure(try Self.client(world), request)
        #expect(error?.code == .timedOut)
        #expect(error?.url == "https://slow.example.test/stall")
        #expect(elapsed < deadline + .seconds(1))
    }

    @Test func aDeadlineAlreadyPastFailsAtOnce() async throws {
        let world = try await Self.makeWorld()
        let (error, elapsed) = await Self.timedFailure(
            try Self.client(world), try HTTPRequest(url: "https://slow.example.test/stall", timeout: .zero))
        #expect(error?.code == .timedOut)
        #expect(elapsed < .seconds(1))
    }

    @Test func cancellingTheTaskEndsAStalledRequestPromptly() async throws {
        let world = try await Self.makeWorld()
        let client = try Self.client(world)
        let request = try HTTPRequest(url: "https://slow.example.test/stall", timeout: .seconds(30))
        let task = Task { () async -> Result<HTTPResponse, HTTPFetchError> in
            do throws(HTTPFetchError) {
                return .success(try await client.fetch(request))
            } catch {
                return .failure(error)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let result = await task.value
        let elapsed = clock.now - start
        switch result {
        case .success:
            Issue.record("a stalled request succeeded")
        case .failure(let error):
            #expect(error.code == .cancelled)
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func anEndlessChunkedBodyStopsAtTheCapWithBoundedMemory() async throws {
        let world = try await Self.makeWorld()
        let before = ProcessMemory.peakResidentBytes
        let request = try HTTPRequest(url: "https://slow.example.test/endless", maximumBodyBytes: 1 << 20, timeout: .seconds(20))
        let (error, _) = await Self.timedFailure(try Self.client(world), request)
        #expect(error?.code == .bodyTooLarge)
        if let before, let after = ProcessMemory.peakResidentBytes {
            #expect(after - before < 16 << 20, "peak memory grew by \((after - before) >> 20) MiB")
        }
    }

    @Test(arguments: [("/garbage", "not valid HTTP/1.1"), ("/truncated", "before the body was complete")])
    func aBrokenAnswerIsMalformed(_ path: String, _ detail: String) async throws {
        let world = try await Self.makeWorld()
        let (error, _) = await Self.timedFailure(
            try Self.client(world), try HTTPRequest(url: "https://slow.example.test\(path)", timeout: .seconds(5)))
        #expect(error?.code == .malformedResponse)
        #expect(error?.description.contains(detail) == true, "\(String(describing: error))")
    }
}
