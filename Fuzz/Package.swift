// swift-tools-version: 6.0
// libFuzzer targets for the pure core, MailSettings, in a package of their own so the main package
// never builds with sanitizers. Each executable target is one fuzz target: a single file with
// `LLVMFuzzerTestOneInput`, and libFuzzer's runtime supplies `main`, so they build only with the
// fuzzer sanitizer:
//
//   swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address \
//       --scratch-path Fuzz/.build-fuzz
//   Fuzz/.build-fuzz/release/FuzzXML Fuzz/Corpus/FuzzXML -max_total_time=60
//   Scripts/fuzz.sh                                   # builds, runs each target, prints a summary
//
// Seed corpora live in Fuzz/Corpus/<target>/; Tests/MailSettingsTests/FuzzCorpusReplayTests.swift
// replays them in the ordinary test run, without libFuzzer, through the same checks
// (Sources/FuzzChecks, which the tests compile through a symbolic link).
import PackageDescription

import struct Foundation.URL

// A path dependency's identity is its folder's name: `main` in one checkout, `swift-mail-autoconfig`
// in another. Read it off the folder this manifest sits in, so any clone builds.
let mainPackageIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Fuzz/
    .deletingLastPathComponent()  // the main package
    .lastPathComponent
    .lowercased()

/// One fuzz target: an executable whose only file defines `LLVMFuzzerTestOneInput`, handing the
/// bytes to its check in FuzzChecks; on Linux its `<name>_main` comes from
/// Sources/FuzzDriver/FuzzDriver.c (a new target is added there too).
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzDriver", "FuzzChecks"],
        // No top-level code and no `main`: libFuzzer's runtime brings its own.
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "Fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // The Linux entry points: each target's `<name>_main`, handing over to libFuzzer's driver.
        .target(name: "FuzzDriver"),
        // The invariants, one function a target returning the problems it finds. The main
        // package's tests compile this folder too, through Tests/MailSettingsTests/FuzzChecks,
        // so it uses only MailSettings' public API.
        .target(
            name: "FuzzChecks",
            dependencies: [.product(name: "MailSettings", package: mainPackageIdentity)]
        ),
        // XMLReader, ClientConfigParser (Mozilla autoconfig) and AutodiscoverResponse on any bytes.
        fuzzTarget("FuzzXML"),
        // DNSMessage and DNSHeader on any bytes, with the invariants of what decodes.
        fuzzTarget("FuzzDNS"),
        // POP3Session, SMTPSession and IMAPSession fed server bytes through a LineFramer.
        fuzzTarget("FuzzMailSessions"),
        // EmailAddress and DomainName (IDNA, punycode) on any text, and the public suffix list.
        fuzzTarget("FuzzAddress"),
    ],
    swiftLanguageModes: [.v6]
)
