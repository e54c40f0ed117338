import ArgumentParser
import MailAutoconfig
import MailSettings

/// `autoconf-lookup batch FILE|-`: many lookups at once, one result line per input line, in input order.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Look up many addresses or domains, one per line of a file (or of standard input).",
        discussion: """
            Blank lines and lines starting with # are skipped; lines are trimmed. Results come in \
            input order, one line each: with --json a JSON object (JSON Lines) with "line", \
            "input" and the lookup contract's keys, or "line", "input" and "error" for a line that \
            is not an address or a domain. --timeout is the deadline of each lookup.

            Examples:
              autoconf-lookup batch addresses.txt --offline --json
              cut -d, -f2 users.csv | autoconf-lookup batch - --concurrency 32 --json

            Exit status: 0 when every line found incoming and outgoing servers, 1 when any did \
            not or was not an address, 64 for a usage error (such as a missing file).
            """
    )

    /// The most input `batch` reads.
    static let inputLimit = 64 << 20

    @Argument(help: ArgumentHelp("A file with one address or domain per line, or - for standard input.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("How many lookups run at once (1–256).", valueName: "n"))
    var concurrency: Int = 8

    @OptionGroup var options: LookupOptionGroup

    @OptionGroup(title: "Network options") var network: NetworkOptionGroup

    func validate() throws {
        guard (1...256).contains(concurrency) else {
            throw ValidationError("--concurrency \(concurrency) is out of range: give 1 to 256")
        }
        if options.offline, network.probe {
            throw ValidationError("--probe talks to the servers: it cannot be used with --offline")
        }
    }

    /// One input line to look up: its 1-based line number and its trimmed text.
    struct Entry: Sendable {
        var line: Int
        var input: String
    }

    func run() async throws {
        let entries = BatchCommand.entries(in: try readInput())
        let environment = ProcessEnvironment.current()
        let lookupOptions = options.lookupOptions(environment: environment)
        let language = lookupOptions.language
        let resolverOptions = network.resolverOptions(lookup: lookupOptions, offline: options.offline)
        // One resolver for every line, sharing DNS answers and HTTP results; none offline.
        let resolver = options.offline ? nil : try network.resolver(sharingResults: true)
        let progress = ProgressLine(language: language, environment: environment)
        let json = options.json
        let batch = BatchLookup(resolver: resolver, options: resolverOptions, concurrency: concurrency)
        var allComplete = true
        var outputGone = false
        await batch.lookUp(entries.map(\.input)) { index, outcome in
            let entry = entries[index]
            if !outcome.isComplete { allComplete = false }
            progress.clear()
            guard StandardOutput.writeLine(json
                ? BatchRenderer.json(line: entry.line, input: entry.input, outcome: outcome)
                : BatchRenderer.human(input: entry.input, outcome: outcome, language: language))
            else {
                outputGone = true
                return false
            }
            progress.show(done: index + 1, total: entries.count)
            return true
        }
        progress.clear()
        if outputGone || !allComplete {
            throw ExitCode(1)
        }
    }

    /// The bytes of FILE, or of standard input for `-`; a usage error when they cannot be read or
    /// are larger than ``inputLimit``.
    private func readInput() throws -> [UInt8] {
        let megabytes = BatchCommand.inputLimit >> 20
        if file == "-" {
            switch StandardInput.read(limit: BatchCommand.inputLimit) {
            case .success(let bytes?): return bytes
            case .success(nil): throw ValidationError("standard input is larger than \(megabytes) MiB: split it into several batches")
            case .failure(let failure): throw ValidationError("cannot read standard input: \(failure)")
            }
        }
        switch FileBytes.read(path: file, limit: BatchCommand.inputLimit + 1) {
        case .success(let bytes):
            guard bytes.count <= BatchCommand.inputLimit else {
                throw ValidationError("\(file) is larger than \(megabytes) MiB: split it into several batches")
            }
            return bytes
        case .failure(let failure):
            throw ValidationError("cannot read \(file): \(failure)")
        }
    }

    /// The lines to look up: trimmed, without blank lines and `#` comments, with their 1-based numbers.
    static func entries(in bytes: [UInt8]) -> [Entry] {
        var entries: [Entry] = []
        for (offset, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let text = String(decoding: raw, as: UTF8.self)
            let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
            let line = String(trimmed)
            if line.isEmpty || line.hasPrefix("#") { continue }
            entries.append(Entry(line: offset + 1, input: line))
        }
        return entries
    }
}
