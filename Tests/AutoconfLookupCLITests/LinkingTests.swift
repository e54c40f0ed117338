import Foundation
import Testing

/// Start-up speed: the tool must not load all of Foundation (about 3 ms per run); FoundationEssentials,
/// which swift-argument-parser loads anyway, is fine.
@Suite("autoconf-lookup linking")
struct LinkingTests {
    static let ldd = "/usr/bin/ldd"

    static var available: Bool {
        #if os(Linux)
        FileManager.default.isExecutableFile(atPath: ldd) || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1"
        #else
        false
        #endif
    }

    @Test("the binary links libFoundationEssentials only, never libFoundation.so", .enabled(if: available, "Linux with ldd only"))
    func noFullFoundation() throws {
        let run = try CLIRunner.run([CLIRunner.executable.path], executable: URL(fileURLWithPath: Self.ldd))
        #expect(run.status == 0, "\(run.stderr)")
        let libraries = run.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
        let foundations = libraries.filter { $0.lowercased().contains("foundation") }
        #expect(!foundations.contains("libFoundation.so"), "\(foundations)")
        #expect(foundations.allSatisfy { $0 == "libFoundationEssentials.so" }, "\(foundations)")
    }
}
