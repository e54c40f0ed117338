import Foundation
import Testing

/// End-to-end tests of `autoconf-lookup batch`, running the built binary (offline or loopback only).
@Suite("autoconf-lookup batch")
struct BatchCommandTests {
    /// Writes `text` to a new temporary file and returns its path.
    private func inputFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("batch-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Each stdout line parsed as a JSON object.
    private func jsonLines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("--json: one object per input line, in input order, the bad line as an error, exit 1")
    func offlineJSONWithBadLine() throws {
        let path = try inputFile("""
            # accounts to check

            alice@gmail.com
              bob@outlook.com\t
            not an address
            yahoo.com\r
            carol@icloud.com
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CLIRunner.run(["batch", path, "--offline", "--json", "--concurrency", "2"])
        #expect(run.status == 1, "the bad line makes the batch exit 1")
        #expect(run.stderr.isEmpty)
        let lines = try jsonLines(run.stdout)
        #expect(lines.count == 5)
        #expect(lines.map { $0["line"] as? Int } == [3, 4, 5, 6, 7])
        #expect(lines.map { $0["input"] as? String }
            == ["alice@gmail.com", "bob@outlook.com", "not an address", "yahoo.com", "carol@icloud.com"])
        let bad = lines[2]
        #expect(Set(bad.keys) == ["line", "input", "error"])
        let message = try #require(bad["error"] as? String)
        #expect(!message.isEmpty && !message.contains("\n"))
        for good in [lines[0], lines[1], lines[3], lines[4]] {
            #expect(Set(good.keys) == ["line", "input", "query", "provider", "incoming", "outgoing", "notes", "sources"])
            #expect(!(good["incoming"] as? [Any] ?? []).isEmpty)
            #expect(!(good["outgoing"] as? [Any] ?? []).isEmpty)
        }
        let query = try #require(lines[0]["query"] as? [String: Any])
        #expect(query["domain"] as? String == "gmail.com")
        #expect((lines[0]["provider"] as? [String: Any])?["id"] as? String == "gmail")
        #expect(!run.stdout.contains("\n\n"), "compact JSON Lines, one per line")
    }

    @Test("all-good input exits 0; the human form has one line per input")
    func allGood() throws {
        let path = try inputFile("alice@gmail.com\ngmail.com\n# done\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = try CLIRunner.run(["batch", path, "--offline", "--json"])
        #expect(json.status == 0)
        #expect(try jsonLines(json.stdout).count == 2)
        let human = try CLIRunner.run(["batch", path, "--offline"])
        #expect(human.status == 0)
        let lines = human.stdout.split(separator: "\n").map(String.init)
        #expect(lines == [
            "alice@gmail.com: POP3 pop.gmail.com:995 SSL/TLS · SMTP smtp.gmail.com:465 SSL/TLS",
            "gmail.com: POP3 pop.gmail.com:995 SSL/TLS · SMTP smtp.gmail.com:465 SSL/TLS",
        ])
    }

    @Test("- reads standard input")
    func standardInput() throws {
        let run = try runWithInput(["batch", "-", "--offline", "--json"], input: "alice@gmail.com\n\n@@\n")
        #expect(run.status == 1)
        let lines = try jsonLines(run.stdout)
        #expect(lines.map { $0["line"] as? Int } == [1, 3])
        #expect(lines.first?["incoming"] != nil)
        #expect(lines.last?["error"] is String)
        let good = try runWithInput(["batch", "-", "--offline"], input: "alice@gmail.com")
        #expect(good.status == 0)
        #expect(good.stdout.hasPrefix("alice@gmail.com: POP3 pop.gmail.com:995"))
    }

    @Test("usage errors exit 64 with one line on standard error")
    func usageErrors() throws {
        let path = try inputFile("gmail.com\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for concurrency in ["0", "257"] {
            let run = try CLIRunner.run(["batch", path, "--offline", "--concurrency", concurrency])
            #expect(run.status == 64)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains("--concurrency"))
        }
        let missing = try CLIRunner.run(["batch", "/nonexistent/batch-input.txt", "--offline", "--json"])
        #expect(missing.status == 64)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(missing.stderr.contains("/nonexistent/batch-input.txt"))
        let probe = try CLIRunner.run(["batch", path, "--offline", "--probe"])
        #expect(probe.status == 64)
    }

    @Test("online with unreachable loopback sources: one shared resolver, every line answered in order")
    func loopbackOnly() throws {
        let path = try inputFile("alice@gmail.com\nbad address\ngmail.com\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CLIRunner.run([
            "batch", path, "--json", "--no-http", "--no-send-address", "--timeout", "1",
            "--dns-server", "127.0.0.1:1", "--ispdb-url", "https://127.0.0.1:1/",
            "--connect-to", "autoconfig.gmail.com:443:127.0.0.1:1",
            "--connect-to", "gmail.com:443:127.0.0.1:1",
        ])
        let lines = try jsonLines(run.stdout)
        #expect(lines.map { $0["input"] as? String } == ["alice@gmail.com", "bad address", "gmail.com"])
        #expect((lines.first?["incoming"] as? [Any])?.isEmpty == false, "the bundled base still answers")
        let sources = try #require(lines.first?["sources"] as? [[String: Any]])
        let ispdb = try #require(sources.first { $0["id"] as? String == "ispdb" })
        #expect((ispdb["detail"] as? String)?.contains("127.0.0.1:1") == true, "asked at loopback only")
        #expect(lines[1]["error"] is String)
        #expect(run.status == 1, "the bad line makes the batch exit 1")
    }

    /// Runs the binary with `input` on standard input.
    private func runWithInput(_ arguments: [String], input: String) throws -> CLIRunner.Run {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"]
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
