import Foundation
import Testing

/// `autoconf-lookup export` from the command line, offline: files with mode 0600, clear errors.
@Suite("export command")
struct ExportCommandTests {
    @Test("--output writes the file with mode 0600, over an existing file too; notes go to standard error")
    func writesPrivateFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("msmtprc")
        try "old".write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o644)
        let run = try CLIRunner.run(["export", "alice@gmail.com", "--offline", "--format", "msmtp", "--output", file.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("host smtp.gmail.com") && text.contains("user \"alice@gmail.com\""), "\(text)")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(run.stderr.contains("No password command was given"), "\(run.stderr)")
        // Gmail's own actions come along: an app password.
        #expect(run.stderr.contains("support.google.com"), "\(run.stderr)")
    }

    @Test("thunderbird takes the provider's name; mpop takes the POP3 server even when IMAP is preferred")
    func formatChoices() throws {
        let thunderbird = try CLIRunner.run(["export", "alice@gmx.de", "--offline", "--format", "thunderbird", "--name", "Alice"])
        #expect(thunderbird.status == 0)
        #expect(thunderbird.stdout.contains("<displayName>GMX"), "\(thunderbird.stdout)")
        let mpop = try CLIRunner.run(["export", "alice@gmx.de", "--offline", "--format", "mpop", "--prefer", "imap"])
        #expect(mpop.status == 0)
        #expect(mpop.stdout.contains("host pop.gmx.net"), "\(mpop.stdout)")
    }

    @Test("bad input: one line on standard error; 64 for usage, 1 when the file cannot be written safely")
    func errors() throws {
        for (arguments, status) in [
            (["export", "gmail.com", "--offline", "--format", "msmtp"], Int32(64)),
            (["export", "alice@gmail.com", "--offline", "--format", "outlook"], 64),
            (["export", "alice@gmail.com", "--offline", "--format", "msmtp", "--output", "/"], 64),
            (["export", "alice@gmail.com", "--offline", "--format", "msmtp", "--json"], 64),
            (["export", "alice@gmail.com", "--offline", "--format", "msmtp", "--password-command", "pass\nrm -rf ~"], 1),
            (["export", "alice@tuta.com", "--offline", "--format", "msmtp"], 1),
        ] {
            let run = try CLIRunner.run(arguments)
            #expect(run.status == status, "\(arguments): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.contains("rm -rf"))
        }
    }
}
