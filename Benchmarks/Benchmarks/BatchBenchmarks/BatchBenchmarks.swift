// A batch through the library (`BatchLookup`, as `autoconf-lookup batch` runs it) against the
// loopback world of Scripts/bench-batch.py (issue 8): the same lines looked up 8 at once with one
// resolver whose DNS answers and HTTP results are shared, and, as the baseline measured in the
// same run, with a resolver that shares nothing. Each iteration starts with empty caches.
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

    /// The first `lines` lines of the input.
    func inputs() -> [String] {
        let text = (try? String(contentsOfFile: input, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").prefix(lines).map(String.init)
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

let benchmarks: @Sendable () -> Void = {
    guard let world = BatchWorld.load() else {
        print("BatchBenchmarks: no world; run it through Scripts/bench-batch.py --benchmarks")
        return
    }
    let inputs = world.inputs()
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
            ? "Batch of \(inputs.count) lines, 8 at once, DNS answers and HTTP results shared"
            : "Baseline: the same lines, 8 at once, nothing shared"
        Benchmark(name) { benchmark in
            for _ in benchmark.scaledIterations {
                let batch = BatchLookup(resolver: try! world.resolver(sharing: sharing), options: options, concurrency: 8)
                var found = 0
                await batch.lookUp(inputs) { _, outcome in
                    if outcome.isComplete { found += 1 }
                    return true
                }
                blackHole(found)
                precondition(found > inputs.count / 2, "only \(found) of \(inputs.count) lines found servers: is the world up?")
            }
        }
    }
}
