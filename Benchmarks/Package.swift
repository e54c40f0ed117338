// swift-tools-version: 6.1
// Benchmarks for swift-mail-autoconfig, in a package of their own so the main package stays light:
// library users never fetch ordo-one/benchmark.
//
//   swift package --package-path Benchmarks benchmark             # run every benchmark
//   swift build -c release --package-path Benchmarks --product EmptyExecutable
//   Scripts/bench.sh                                              # both, plus the whole-process comparison
import PackageDescription

import struct Foundation.URL

// A path dependency's identity is its folder's name: `main` in one checkout, `swift-mail-autoconfig`
// in another. Read it off the folder this manifest sits in, so any clone builds.
let mainPackageIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Benchmarks/
    .deletingLastPathComponent()  // the main package
    .lastPathComponent
    .lowercased()

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        // Every executable target under Benchmarks/Benchmarks/ is a benchmark suite run by
        // `swift package benchmark`.
        .executableTarget(
            name: "KnowledgeBaseBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MailSettings", package: mainPackageIdentity),
            ],
            path: "Benchmarks/KnowledgeBaseBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Whole resolutions against loopback HTTP servers that answer after 50, 100 and 200 ms, or never.
        .executableTarget(
            name: "ResolverBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MailAutoconfig", package: mainPackageIdentity),
                .product(name: "MailSettings", package: mainPackageIdentity),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/ResolverBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // 12 probes at once against loopback POP3 servers that greet after 20…240 ms, and the slowest alone.
        .executableTarget(
            name: "ProbeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MailAutoconfig", package: mainPackageIdentity),
                .product(name: "MailSettings", package: mainPackageIdentity),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/ProbeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A batch through the library in Scripts/bench-batch.py's world of generated domains, with
        // shared DNS and HTTP results and without (the baseline).
        .executableTarget(
            name: "BatchBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "MailAutoconfig", package: mainPackageIdentity),
                .product(name: "MailSettings", package: mainPackageIdentity),
            ],
            path: "Benchmarks/BatchBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Helpers for Scripts/bench-process.py, kept out of Benchmarks/Benchmarks/ so the plugin does not
        // run them. An executable that does nothing: the baseline for the whole-process comparison.
        .executableTarget(name: "EmptyExecutable"),
        // Prints how long the first lookup of a fresh process takes (decode + lookup), measured inside it.
        .executableTarget(
            name: "ColdFirstLookup",
            dependencies: [.product(name: "MailSettings", package: mainPackageIdentity)]
        ),
        // Lookups per second against one DNS server with NIODNSResolver, N queries in flight;
        // Scripts/bench-dns.py runs it beside dnsperf.
        .executableTarget(
            name: "DNSThroughput",
            dependencies: [
                .product(name: "MailAutoconfig", package: mainPackageIdentity),
                .product(name: "MailSettings", package: mainPackageIdentity),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
