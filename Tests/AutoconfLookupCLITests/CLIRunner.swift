import Foundation

/// Runs the built `autoconf-lookup` binary the way a person or a script does.
enum CLIRunner {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Standard output parsed as a JSON object.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// The binary SwiftPM built next to the test bundle.
    static let executable: URL = {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        for start in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
            var directory = start
            for _ in 0..<3 {
                directory = directory.deletingLastPathComponent()
                candidates.append(directory.appendingPathComponent("autoconf-lookup"))
            }
        }
        return candidates.first { fileManager.isExecutableFile(atPath: $0.path) }
            ?? URL(fileURLWithPath: ".build/debug/autoconf-lookup")
    }()

    static func run(_ arguments: [String], environment: [String: String] = [:], executable: URL = executable) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // A controlled environment: no LANG from the machine unless the test sets one.
        var env = ["PATH": "/usr/bin:/bin"]
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}
