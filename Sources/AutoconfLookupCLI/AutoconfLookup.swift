import ArgumentParser

/// The `autoconf-lookup` command: which POP3/IMAP and SMTP settings work for an address,
/// and what the person must do first.
public struct AutoconfLookup: AsyncParsableCommand {
    /// The command's name, help text with examples, version and subcommands (`lookup` is the default).
    public static let configuration = CommandConfiguration(
        commandName: "autoconf-lookup",
        abstract: "Find the POP3, IMAP and SMTP settings for an email address, and what to do before they work.",
        discussion: """
            Examples:
              autoconf-lookup alice@gmail.com --offline
                  Servers, ports and security for a Gmail address, from the bundled knowledge base.
              autoconf-lookup alice@gmail.com --offline --lang es
                  The same, with the notes in Spanish.
              autoconf-lookup bob@example.com --offline --mx example-com.mail.protection.outlook.com
                  A custom domain whose MX points to Microsoft 365.
              autoconf-lookup gmail.com --offline --json
                  Machine-readable output for scripts (user names stay templates for a domain).
              autoconf-lookup batch addresses.txt --offline --json
                  One JSON line per address of the file, in its order.
              autoconf-lookup providers
                  Every provider the knowledge base knows.

            Exit status: 0 when incoming and outgoing servers were found, 1 when not,
            64 for a usage error or an invalid address.
            """,
        version: AutoconfLookupVersion.current,
        subcommands: [LookupCommand.self, BatchCommand.self, DiagnoseCommand.self, ExportCommand.self, ProvidersCommand.self, ValidateCommand.self],
        defaultSubcommand: LookupCommand.self
    )

    /// Creates the command (swift-argument-parser fills it in when parsing).
    public init() {}

    /// Runs the command line like `main()`, but with errors written as one line on standard
    /// error and usage errors exiting 64 (never a stack trace).
    public static func runMain(arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(withError: nil)
        } catch {
            if let chosen = error as? ExitCode {
                ProcessExit.now(chosen.rawValue)  // a chosen status, already explained by the output
            }
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)  // --help and --version print their text and exit 0
            }
            let message = message(for: error)
                .split(whereSeparator: \.isNewline)
                .first
                .map(String.init) ?? "unexpected error"
            let clean = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            if !clean.isEmpty {
                StandardError.write("autoconf-lookup: \(clean) (see 'autoconf-lookup --help')")
            }
            ProcessExit.now(code.rawValue)
        }
    }
}

/// The version printed by `--version`.
enum AutoconfLookupVersion {
    static let current = "0.1.0"
}
