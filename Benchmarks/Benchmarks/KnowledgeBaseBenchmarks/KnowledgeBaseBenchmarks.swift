// Benchmarks of the pure knowledge base (module MailSettings): what a first lookup costs in a fresh
// process, and how fast warm lookups run. Targets (README, "Speed"): first lookup under 5 ms, warm
// lookups above 1 million per second.
//
//   swift package --package-path Benchmarks benchmark
//   swift package --package-path Benchmarks benchmark --filter "Warm.*"
//
// Timings are never asserted in tests; these numbers go into the README with the command that made them.

import Benchmark
import MailSettings

/// Domains for the warm lookups: big providers, regional ones, an IDNA name, and misses.
private let lookupDomains: [DomainName] = [
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",
    "yahoo.com", "aol.com", "icloud.com", "me.com", "web.de",
    "gmx.de", "gmx.net", "t-online.de", "mail.ru", "yandex.ru",
    "zoho.com", "fastmail.com", "proton.me", "unknown.test", "example.org",
].map { try! DomainName($0) }

/// MX hosts with the user's domain: exact patterns, `*.` suffix patterns, relative patterns and misses.
private let mxHosts: [(host: String, domain: DomainName)] = [
    ("aspmx.l.google.com", "contoso.test"),
    ("alt1.aspmx.l.google.com.", "contoso.test"),
    ("contoso-test.mail.protection.outlook.com", "contoso.test"),
    ("mx.zoho.com", "contoso.test"),
    ("eu-smtp-inbound-1.mimecast.com", "contoso.test"),
    ("unknown.mx.test", "contoso.test"),
    ("mail.contoso.test", "contoso.test"),
].map { (host: $0.0, domain: try! DomainName($0.1)) }

private let gmailDomain = try! DomainName("gmail.com")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal],
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )

    // What the first call in a fresh process pays: decode the embedded JSON, build the indexes,
    // answer one lookup. (A warm process has faster page faults and warm caches than a real first
    // call; Scripts/bench-process.py measures the whole process too.)
    Benchmark(
        "First lookup (decode + lookup)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
            maxIterations: 2_000
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            let knowledgeBase = try! KnowledgeBase.decodeBundled()
            blackHole(knowledgeBase.provider(forDomain: gmailDomain))
        }
    }

    // One scaled iteration = one lookup, so throughput reads as lookups per second.
    Benchmark(
        "Warm lookup by domain",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        _ = KnowledgeBase.bundled  // decoded before the clock starts
        benchmark.startMeasurement()
        let count = lookupDomains.count
        for index in benchmark.scaledIterations {
            blackHole(KnowledgeBase.bundled.provider(forDomain: lookupDomains[index % count]))
        }
    }

    Benchmark(
        "Lookup by MX host",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        _ = KnowledgeBase.bundled
        benchmark.startMeasurement()
        let count = mxHosts.count
        for index in benchmark.scaledIterations {
            let (host, domain) = mxHosts[index % count]
            blackHole(KnowledgeBase.bundled.hostingMatch(forMXHost: host, domain: domain))
        }
    }

    // The whole pure path behind `autoconf-lookup alice@gmail.com --offline`: finding, placeholder
    // expansion, ranking with reasons, notes rendered in English.
    let query = try! MailQuery(parsing: "alice@gmail.com")
    Benchmark(
        "Full offline lookup (alice@gmail.com)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        _ = KnowledgeBase.bundled
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(KnowledgeBase.bundled.lookup(query, input: "alice@gmail.com"))
        }
    }

    Benchmark(
        "Parse address (ASCII: alice@example.com)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! MailQuery(parsing: "alice@example.com"))
        }
    }

    Benchmark(
        "Parse address (IDNA: usuario@españa.es)",
        configuration: .init(scalingFactor: .kilo)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! MailQuery(parsing: "usuario@españa.es"))
        }
    }
}
