import Logging
import MailSettings
import Synchronization
import Testing

@testable import MailAutoconfig

/// The resolver's stream of events, its early answer and its cancellation, with transports that
/// answer from a table, stall on purpose, or count how their requests ended.
@Suite("Resolution stream, early answer and cancellation")
struct ResolutionStreamTests {
    static let autoconfigURL = "https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=alice%40example.test"
    static let ispdbURL = "https://autoconfig.thunderbird.net/v1.1/example.test"

    static func resolver(_ transport: any HTTPFetching) throws -> AutoconfigResolver {
        try AutoconfigResolver(http: transport, dns: StubDNSResolver())
    }

    static let query = try! MailQuery(parsing: "alice@example.test")

    @Test("every source starts once, finishes once, and the completed result comes last and equals resolve()'s")
    func order() async throws {
        let transport = RecordingTransport(answers: [Self.autoconfigURL: AutoconfigResolverTests.config(pop: "pop.example.test")])
        let resolver = try Self.resolver(transport)
        var started: [SourceID] = []
        var finished: [SourceID] = []
        var completed: [LookupResult] = []
        var soFarCounts: [Int] = []
        for await event in resolver.updates(for: Self.query, input: "alice@example.test") {
            #expect(completed.isEmpty, "an event after completed")
            switch event {
            case .started(let id):
                #expect(finished.isEmpty, "a source started after another finished")
                started.append(id)
            case .finished(let report, let soFar):
                finished.append(report.id)
                soFarCounts.append(soFar.sources.count)
                #expect(soFar.sources.last?.id == report.id || soFar.sources.contains { $0.id == report.id })
            case .completed(let result):
                completed.append(result)
            }
        }
        let ids = AutoconfigResolver.sources(for: ResolverOptions()).map(\.id)
        #expect(started == ids)
        #expect(Set(finished) == Set(ids) && finished.count == ids.count)
        #expect(soFarCounts == Array(1...ids.count), "each update adds one finished source")
        let result = try #require(completed.first)
        #expect(completed.count == 1)
        #expect(result.sources.map(\.id) == ids, "the final result lists every source in the sources' order")
        let direct = await resolver.resolve(Self.query, input: "alice@example.test")
        #expect(result.incoming.map(\.settings) == direct.incoming.map(\.settings))
        #expect(result.incoming.first?.settings.hostname == "pop.example.test")
    }

    @Test("early answer: once the decisive trusted sources agree, slow ones are given up and reported skipped")
    func earlyAnswer() async throws {
        let transport = ScriptedTransport(
            answers: [Self.autoconfigURL: AutoconfigResolverTests.config(pop: "pop.example.test")],
            stalling: ["http://", "https://autodiscover."])
        let resolver = try Self.resolver(transport)
        let clock = ContinuousClock()
        let start = clock.now
        let result = await resolver.resolve(
            Self.query, input: "alice@example.test",
            options: ResolverOptions(timeout: .seconds(60), earlyAnswer: .whenTrustedSourcesAgree))
        #expect(clock.now - start < .seconds(30), "an early answer, not the 60 s deadline")
        #expect(result.incoming.first?.settings.hostname == "pop.example.test")
        let status = Dictionary(uniqueKeysWithValues: result.sources.map { ($0.id, $0) })
        for id in [SourceID.autoconfigHTTP, .wellKnownHTTP, .autodiscover] {
            #expect(status[id]?.status == .skipped, "\(id): \(String(describing: status[id]))")
            #expect(status[id]?.detail.hasPrefix("not waited for: the trusted sources agreed") == true)
        }
        #expect(status[.autoconfigHTTPS]?.status == .found)
        #expect(status[.ispdb]?.status == .empty)
        // Every stalled request was cancelled, none left running.
        #expect(await transport.waitUntilSettled(), "\(transport.counts)")
    }

    @Test("no early answer when trusted sources disagree, or with waitForAll: the slow sources run to the deadline")
    func noEarlyAnswer() async throws {
        let disagreeing = ScriptedTransport(
            answers: [
                Self.autoconfigURL: AutoconfigResolverTests.config(pop: "pop.example.test"),
                Self.ispdbURL: AutoconfigResolverTests.config(pop: "pop.elsewhere.test")
                    .replacingOccurrences(of: "smtp.example.test", with: "smtp.elsewhere.test"),
            ],
            stalling: ["http://", "https://autodiscover."])
        let agreeing = ScriptedTransport(
            answers: [Self.autoconfigURL: AutoconfigResolverTests.config(pop: "pop.example.test")],
            stalling: ["http://", "https://autodiscover."])
        for (transport, policy) in [(disagreeing, EarlyAnswerPolicy.whenTrustedSourcesAgree), (agreeing, .waitForAll)] {
            let result = await (try Self.resolver(transport)).resolve(
                Self.query, input: "alice@example.test", options: ResolverOptions(timeout: .milliseconds(600), earlyAnswer: policy))
            let autodiscover = try #require(result.sources.first { $0.id == .autodiscover })
            #expect(autodiscover.status == .failed && autodiscover.detail.hasPrefix("timed out"), "\(policy): \(autodiscover)")
            #expect(await transport.waitUntilSettled(), "\(transport.counts)")
        }
    }

    @Test("stopping the iteration cancels every source; so does cancelling the task that resolves")
    func cancellation() async throws {
        let transport = ScriptedTransport(answers: [:], stalling: ["http"])
        let resolver = try Self.resolver(transport)
        for await event in resolver.updates(for: Self.query, input: "alice@example.test", options: ResolverOptions(timeout: .seconds(60))) {
            if case .finished = event { break }  // bundled finishes at once; the network sources stall
        }
        #expect(await transport.waitUntilSettled(), "after the loop stopped: \(transport.counts)")
        #expect(transport.counts.started > 0)

        let second = ScriptedTransport(answers: [:], stalling: ["http"])
        let clock = ContinuousClock()
        let start = clock.now
        let secondResolver = try Self.resolver(second)
        let task = Task { await secondResolver.resolve(Self.query, input: "alice@example.test", options: ResolverOptions(timeout: .seconds(60))) }
        while second.counts.started < 5, clock.now - start < .seconds(20) {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        let result = await task.value
        #expect(clock.now - start < .seconds(30), "cancelled, not the 60 s deadline")
        #expect(result.sources.first { $0.id == .bundled } != nil)
        #expect(await second.waitUntilSettled(), "\(second.counts)")
    }
}

/// The probing step after the sources is bounded too: with DNS and HTTP that never answer, an
/// unknown domain still ends soon after the deadline plus the probing time.
@Suite("Probing step bounds")
struct ProbingBoundsTests {
    @Test("nothing answers: the guess step gives up at its own time, and says it found nothing")
    func stalledEverything() async throws {
        let resolver = try AutoconfigResolver(http: StalledTransport(), dns: StalledDNSResolver())
        let clock = ContinuousClock()
        let start = clock.now
        let result = await resolver.resolve(
            try MailQuery(parsing: "alice@nowhere.test"), input: "alice@nowhere.test",
            options: ResolverOptions(timeout: .milliseconds(300), probeTimeout: .milliseconds(300)))
        #expect(clock.now - start < .seconds(8), "300 ms of sources and 300 ms of probing took \(clock.now - start)")
        let guess = try #require(result.sources.first { $0.id == .guess })
        #expect(guess.status == .empty, "\(guess)")
        #expect(result.incoming.isEmpty)
    }
}

/// A transport that answers some URLs from a table (404 for the rest) and stalls, until
/// cancelled, on URLs that start with one of `stalling`; it counts requests started and ended.
final class ScriptedTransport: HTTPFetching, Sendable {
    struct Counts: Sendable, CustomStringConvertible {
        var started = 0
        var ended = 0
        var description: String { "\(started) started, \(ended) ended" }
    }

    private let answers: [String: String]
    private let stalling: [String]
    private let state = Mutex(Counts())

    init(answers: [String: String], stalling: [String]) {
        self.answers = answers
        self.stalling = stalling
    }

    var counts: Counts { state.withLock { $0 } }

    /// Waits (at most 10 s, an anti-hang bound) until every request started has ended.
    func waitUntilSettled() async -> Bool {
        for _ in 0..<1000 {
            let now = counts
            if now.started == now.ended { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        state.withLock { $0.started += 1 }
        defer { state.withLock { $0.ended += 1 } }
        let url = request.url.description
        if stalling.contains(where: { url.hasPrefix($0) }) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
            }
            throw HTTPFetchError(.cancelled, url: url, reason: "cancelled")
        }
        guard let body = answers[url] else {
            throw HTTPFetchError(.unexpectedStatus, url: url, reason: "404 Not Found", statusCode: 404)
        }
        return HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "text/xml")], body: Array(body.utf8), finalURL: url)
    }
}
