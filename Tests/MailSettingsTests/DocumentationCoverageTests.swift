import Foundation
import Testing

/// Every public declaration of the two libraries has a doc comment (`///`) right above it, past
/// its attributes: DocC shows it, and a newcomer reads it before the code.
@Suite("Documentation coverage")
struct DocumentationCoverageTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// How many public declarations there are, and `file:line: declaration` for each one
    /// without a doc comment.
    static func undocumented(in module: String) throws -> (declarations: Int, missing: [String]) {
        let folder = root.appendingPathComponent("Sources/\(module)")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        var missing: [String] = []
        var declarations = 0
        for file in files.sorted(by: { $0.path < $1.path }) {
            let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard code.hasPrefix("public "), !code.hasPrefix("public import ") else { continue }
                declarations += 1
                var above = index - 1
                while above >= 0, lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("@") { above -= 1 }
                if above < 0 || !lines[above].trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                    missing.append("\(file.lastPathComponent):\(index + 1): \(code.prefix(80))")
                }
            }
        }
        return (declarations, missing)
    }

    @Test("every public symbol of MailSettings and MailAutoconfig is documented", arguments: ["MailSettings", "MailAutoconfig"])
    func documented(module: String) throws {
        let (declarations, missing) = try Self.undocumented(in: module)
        #expect(missing.isEmpty, "\(missing.count) undocumented:\n\(missing.joined(separator: "\n"))")
        // The scan itself finds the declarations (a moved folder would pass silently otherwise).
        #expect(declarations > 100, "only \(declarations) public declarations found in Sources/\(module)")
    }
}
