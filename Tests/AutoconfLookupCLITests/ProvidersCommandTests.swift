import Foundation
import Testing

@Suite("autoconf-lookup providers")
struct ProvidersCommandTests {
    static let providerFiles: Int = {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ProviderData/providers")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }()

    @Test("--json lists every provider file, with servers and notes")
    func json() throws {
        let run = try CLIRunner.run(["providers", "--json"])
        #expect(run.status == 0)
        let list = try #require((try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [[String: Any]])
        #expect(list.count == Self.providerFiles)
        let gmail = try #require(list.first { $0["id"] as? String == "gmail" })
        #expect((gmail["domains"] as? [String])?.contains("gmail.com") == true)
        #expect((gmail["incoming"] as? [[String: Any]])?.isEmpty == false)
        #expect(gmail["origin"] as? String == "curated")
    }

    @Test("the table names each provider once and counts them")
    func table() throws {
        let run = try CLIRunner.run(["providers"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.last?.hasPrefix("\(Self.providerFiles) providers, ") == true)
        #expect(lines.count == Self.providerFiles + 2)
    }
}
