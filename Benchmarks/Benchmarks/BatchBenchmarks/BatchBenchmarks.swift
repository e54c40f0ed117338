// A batch through the library against the loopback world of Scripts/bench-batch.py (issue 8): the
// same lines looked up 8 at once with one resolver whose DNS answers and HTTP results are shared
// (what `autoconf-lookup batch` does), and, as the baseline measured in the same run, with a
// resolver that shares nothing. Each iteration starts with empty caches.
//
//   sudo Scripts/bench-batch.py --benchmarks     # writes the world, then runs this suite in it
//
// The script passes the world in AUTOCONF_BATCH_WORLD (a JSON file: dnsServer, cacert, ispdbURL,
// input, lines); without it the suite has nothing to measure and says so. Quote the p50 (median).

import Benchmark
import Foundation
import MailAutoconfig
import MailSettings

/// The world Scripts/bench-batch.py started, as it describes it.
private struct BatchWorld: Decodable {
    var dnsServer: String
    var cacert: String
    var ispdbURL: String
    var input: String
    var lines: Int

    static func load() -> BatchWorld? {
        guard let path = ProcessInfo.processInfo.environment["AUTOCONF_BATCH_WORLD"] else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("AUTOCONF_BATCH_WORLD names \(path), which cannot be read")
        }
        do {
            return try JSONDecoder().decode(BatchWorld.self, from: data)
        } catch {
            fatalError("AUTOCONF_BATCH_WORLD: \(path) is not a world description: \(error)")
        }
    }

    /// The first `lines` lines of the input that are addresses or domains, parsed.
    func queries() -> [(query: MailQuery, input: String)] {
        let text = (try? String(contentsOfFile: input, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").prefix(lines).compactMap { line in
            (try? MailQuery(parsing: String(line))).map { ($0, String(line)) }
        }
    }

    /// A resolver asking the world's DNS server, trusting its CA; sharing results or not.
    func resolver(sharing: Bool) throws -> AutoconfigResolver {
        let upstream = NIODNSResolver(configuration: DNSConfiguration(servers: [try DNSServer(parsing: dnsServer)]))
        let dns: any DNSResolving = sharing ? CachingDNSResolver(wrapping: upstream) : upstream
        let roots = [try String(contentsOfFile: cacert, encoding: .utf8)]
        let client = try NIOHTTPClient(additionalTrustRootsPEM: roots, dns: dns)
        let http: any HTTPFetching = sharing ? CachingHTTPClient(wrapping: client) : client
        return try AutoconfigResolver(http: http, dns: dns)
    }
}

/// Looks every line up, `concurrency` at once; returns how many found incoming and outgoing servers.
private func lookUpAll(
    _ lines: [(query: MailQuery, input: String)], with resolver: AutoconfigResolver, options: ResolverOptions, concurrency: Int
) async -> Int {
    await withTaskGroup(of: Bool.self) { group in
        var next = 0
        var found = 0
        func start() {
            guard next < lines.count else { return }
            let line = lines[next]
            next += 1
            group.addTask {
                let result = await resolver.resolve(line.query, input: line.input, options: options)
                return !result.incoming.isEmpty && !result.outgoing.isEmpty
            }
        }
        for _ in 0..<concurrency { start() }
        while let complete = await group.next() {
            if complete { found += 1 }
            start()
        }
        return found
    }
}

let benchmarks: @Sendable () -> Void = {
    guard let world = BatchWorld.load() else {
        print("BatchBenchmarks: no world; run it through Scripts/bench-batch.py --benchmarks")
        return
    }
    let queries = world.queries()
    let options = ResolverOptions(ispdbBaseURL: world.ispdbURL, earlyAnswer: .whenTrustedSourcesAgree)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(60),
        maxIterations: 7
    )
    for sharing in [false, true] {
        let name = sharing
            ? "Batch of \(queries.count) lines, 8 at once, DNS answers and HTTP results shared"
            : "Baseline: the same lines, 8 at once, nothing shared"
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                let resolver = try! world.resolver(sharing: sharing)
                let found = await lookUpAll(queries, with: resolver, options: options, concurrency: 8)
                blackHole(found)
                precondition(found > queries.count / 2, "only \(found) of \(queries.count) lines found servers: is the world up?")
            }
        }
    }
}
