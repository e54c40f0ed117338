// How long a whole resolution takes when its sources are slow (issue 5, "Benchmark"): with HTTP
// servers on loopback that answer after 50, 100 and 200 ms, the resolution should take the slowest
// needed source plus at most 20 ms; with a server that never answers, the deadline plus at most 50 ms.
// A bare fetch of the 200 ms server, measured in the same run, is the baseline: what HTTP over
// loopback and the server's timer cost without the resolver.
//
//   swift package --package-path Benchmarks benchmark --target ResolverBenchmarks
//
// The servers are real sockets (SwiftNIO, HTTP/1.1) in this process, started once per benchmark
// before the clock runs; DNS answers NXDOMAIN at once from a table so that only the HTTP timings
// count. Quote the p50 (median); timings are never asserted in tests.

import Benchmark
import MailAutoconfig
import MailSettings
import NIOCore
import NIOHTTP1
import NIOPosix

/// A server on 127.0.0.1 that answers every HTTP request with `body` after a delay, or accepts
/// connections and never says a word (a TLS handshake to it stalls, as to a black-holed host).
private final class DelayedServer: Sendable {
    let port: Int
    private let channel: any Channel

    /// `delay` nil: accept, read and drop everything, never answer.
    init(delay: TimeAmount?, body: String = "") throws {
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No HTTP handlers for the silent server: they would answer a TLS ClientHello
                    // with "400 Bad Request" at once, and the client would not wait at all.
                    guard let delay else { return }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(DelayedAnswer(delay: delay, body: body))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func close() {
        try? channel.close().wait()
    }
}

private final class DelayedAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let delay: TimeAmount
    let body: String

    init(delay: TimeAmount, body: String) {
        self.delay = delay
        self.body = body
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = Self.unwrapInboundIn(data) else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = bound.value
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "text/xml")
            head.headers.add(name: "Content-Length", value: String(handler.body.utf8.count))
            head.headers.add(name: "Connection", value: "close")
            context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: handler.body)))), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                bound.value.1.close(promise: nil)
            }
        }
    }
}

/// NXDOMAIN for every name, at once.
private struct NoSuchNames: DNSResolving {
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        DNSAnswer(
            question: DNSQuestion(name: name, type: type), rcode: .nameError, records: [],
            server: try DNSServer(address: "127.0.0.1", port: 53))
    }
}

private func config(_ pop: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <clientConfig version="1.1"><emailProvider id="bench.test"><domain>bench.test</domain>
    <incomingServer type="pop3"><hostname>\(pop)</hostname><port>995</port><socketType>SSL</socketType>
    <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.bench.test</hostname><port>465</port><socketType>SSL</socketType>
    <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
    </emailProvider></clientConfig>
    """
}

/// A resolver whose plain-HTTP autoconfig answers after 100 ms, `.well-known` over HTTP after
/// 50 ms, the ISPDB after 200 ms; Autodiscover's first URL meets a closed port at once or, with
/// `autodiscoverStalls`, a server that accepts and never answers; every other HTTPS source meets
/// a closed port at once.
private struct Scenario: Sendable {
    let resolver: AutoconfigResolver
    let ispdbURL: String
    let servers: [DelayedServer]

    init(autodiscoverStalls: Bool) throws {
        let at50 = try DelayedServer(delay: .milliseconds(50), body: config("pop.bench.test"))
        let at100 = try DelayedServer(delay: .milliseconds(100), body: config("pop.bench.test"))
        let at200 = try DelayedServer(delay: .milliseconds(200), body: config("pop.bench.test"))
        servers = [at50, at100, at200] + (autodiscoverStalls ? [try DelayedServer(delay: nil)] : [])
        let closedPort = 1  // nothing listens there: connection refused at once
        let mapping = AddressMapping(connectTo: [
            .init(host: "autoconfig.bench.test", port: 80, targetHost: "127.0.0.1", targetPort: at100.port),
            .init(host: "bench.test", port: 80, targetHost: "127.0.0.1", targetPort: at50.port),
            .init(
                host: "autodiscover.bench.test", port: 443, targetHost: "127.0.0.1",
                targetPort: autodiscoverStalls ? servers[3].port : closedPort),
            .init(host: "autoconfig.bench.test", port: 443, targetHost: "127.0.0.1", targetPort: closedPort),
            .init(host: "bench.test", port: 443, targetHost: "127.0.0.1", targetPort: closedPort),
        ])
        resolver = try AutoconfigResolver(http: try NIOHTTPClient(addressMapping: mapping), dns: NoSuchNames())
        ispdbURL = "http://127.0.0.1:\(at200.port)/v1.1/"
    }

    func resolve(timeout: Duration) async -> LookupResult {
        await resolver.resolve(
            try! MailQuery(parsing: "alice@bench.test"), input: "alice@bench.test",
            options: ResolverOptions(timeout: timeout, ispdbBaseURL: ispdbURL, earlyAnswer: .waitForAll))
    }

    func close() {
        servers.forEach { $0.close() }
    }
}

// Started by each benchmark's setup hook (global lets are initialised once, on first use) and
// closed by its teardown, so neither is timed.
private let answeringScenario = try! Scenario(autodiscoverStalls: false)
private let stallingScenario = try! Scenario(autodiscoverStalls: true)
// The baseline's own 200 ms server, so that it does not depend on the order the benchmarks run in.
private let bareServer = try! DelayedServer(delay: .milliseconds(200), body: config("pop.bench.test"))
private let bareClient = try! NIOHTTPClient()

private func status(_ id: SourceID, in result: LookupResult) -> SourceReport.Status? {
    result.sources.first { $0.id == id }?.status
}

/// Stops the run when a resolution did not go as the scenario says: a broken one never counts as
/// fast. (`fatalError`, unlike `precondition`, prints its message in release builds.)
private func require(_ condition: Bool, _ message: @autoclosure () -> String, _ result: LookupResult) {
    guard !condition else { return }
    let reports = result.sources.map { "  \($0.id) \($0.status.rawValue) \($0.ms) ms: \($0.detail)" }
    fatalError("\(message())\n" + reports.joined(separator: "\n"))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        timeUnits: .microseconds,  // whole milliseconds would hide the overheads
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 40
    )

    // The baseline: one GET of a server like the scenarios' ISPDB (200 ms, same body) with the same
    // HTTP client type, no resolver around it.
    Benchmark(
        "Baseline: bare NIOHTTPClient fetch of the 200 ms server",
        closure: { benchmark in
            let request = try! HTTPRequest(url: "http://127.0.0.1:\(bareServer.port)/v1.1/bench.test", timeout: .seconds(5))
            for _ in benchmark.scaledIterations {
                let response = try! await bareClient.fetch(request)
                guard response.status == 200, !response.body.isEmpty else { fatalError("the 200 ms server did not answer") }
                blackHole(response)
            }
        },
        setup: { _ = bareServer; _ = bareClient },
        teardown: { bareServer.close() }
    )

    // Autodiscover refused at once: the slowest needed source is the ISPDB at 200 ms.
    Benchmark(
        "Resolution, sources at 50/100/200 ms (slowest 200 ms)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                let result = await answeringScenario.resolve(timeout: .seconds(5))
                require(status(.ispdb, in: result) == .found, "the ISPDB at 200 ms was not found", result)
                require(status(.wellKnownHTTP, in: result) == .found, "well-known at 50 ms was not found", result)
                require(status(.autoconfigHTTP, in: result) == .found, "autoconfig at 100 ms was not found", result)
                require(status(.autodiscover, in: result) == .empty, "autodiscover was not refused at once", result)
                blackHole(result)
            }
        },
        setup: { _ = answeringScenario },
        teardown: { answeringScenario.close() }
    )

    // Autodiscover accepts and never answers (its TLS handshake stalls): the 300 ms deadline ends
    // the resolution.
    Benchmark(
        "Resolution, one server never answers (deadline 300 ms)",
        closure: { benchmark in
            for _ in benchmark.scaledIterations {
                let result = await stallingScenario.resolve(timeout: .milliseconds(300))
                // Autodiscover must have been held by the silent server until the deadline. It then
                // ends one of two ways, whichever timer fires first: the resolver's deadline
                // ("timed out: …"), or the fetch's own deadline, the same instant ("… no complete
                // answer within 0.3 s …"), after which Autodiscover tries its second URL with the
                // microseconds left, meets the closed port and reports that instead (`empty`).
                let autodiscover = result.sources.first { $0.id == .autodiscover }
                let detail = autodiscover?.detail ?? "no report"
                let timedOut = autodiscover?.status == .failed
                    && (detail.hasPrefix("timed out") || detail.contains("no complete answer"))
                let secondURLRefused = autodiscover?.status == .empty
                    && detail.hasPrefix("https://bench.test/autodiscover/") && detail.contains("refused")
                require(
                    (autodiscover?.ms ?? 0) >= 299 && (timedOut || secondURLRefused),
                    "autodiscover was not held until the deadline: \(detail)", result)
                require(status(.ispdb, in: result) == .found, "the ISPDB at 200 ms was not found", result)
                blackHole(result)
            }
        },
        setup: { _ = stallingScenario },
        teardown: { stallingScenario.close() }
    )
}
