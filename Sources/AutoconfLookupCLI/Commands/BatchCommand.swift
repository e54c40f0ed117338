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
        let offline = options.offline
        let resolver: AutoconfigResolver?
        let resolverOptions = network.resolverOptions(lookup: lookupOptions, offline: offline)
        if offline {
            resolver = nil
        } else {
            resolver = try network.resolver(sharingResults: true)
        }
        let progress = ProgressLine(language: language, environment: environment)
        let json = options.json
        let limit = concurrency
        // Results that finished before an earlier line are kept until it is written; no line more
        // than `window` after the first unwritten one starts, so that buffer stays bounded.
        let window = limit * 16
        var allComplete = true
        var outputGone = false

        await withTaskGroup(of: (Int, BatchOutcome).self) { group in
            var nextToStart = 0
            var nextToWrite = 0
            var running = 0
            var done: [Int: BatchOutcome] = [:]
            while nextToWrite < entries.count {
                while running < limit, nextToStart < entries.count, nextToStart - nextToWrite < window {
                    let index = nextToStart
                    let entry = entries[index]
                    group.addTask {
                        (index, await BatchCommand.lookUp(
                            entry.input, resolver: resolver, options: resolverOptions, lookup: lookupOptions))
                    }
                    nextToStart += 1
                    running += 1
                }
                guard let (index, outcome) = await group.next() else { break }
                running -= 1
                done[index] = outcome
                var lines: [String] = []
                while let ready = done.removeValue(forKey: nextToWrite) {
                    let entry = entries[nextToWrite]
                    if !ready.isComplete { allComplete = false }
                    lines.append(json
                        ? BatchRenderer.json(line: entry.line, input: entry.input, outcome: ready)
                        : BatchRenderer.human(input: entry.input, outcome: ready, language: language))
                    nextToWrite += 1
                }
                if !lines.isEmpty {
                    progress.clear()
                    if !StandardOutput.writeLine(lines.joined(separator: "\n")) {
                        outputGone = true
                        group.cancelAll()
                        break
                    }
                }
                progress.show(done: nextToWrite + done.count, total: entries.count)
            }
        }
        progress.clear()
        if outputGone || !allComplete {
            throw ExitCode(1)
        }
    }

    /// Looks one line up: offline in the bundled knowledge base, else with the shared resolver.
    static func lookUp(
        _ input: String, resolver: AutoconfigResolver?, options: ResolverOptions, lookup: LookupOptions
    ) async -> BatchOutcome {
        let query: MailQuery
        do {
            query = try MailQuery(parsing: input)
        } catch {
            return .error(BatchRenderer.oneLine(error.description))
        }
        guard let resolver else {
            return .result(KnowledgeBase.bundled.lookup(query, input: input, options: lookup))
        }
        return .result(await resolver.resolve(query, input: input, options: options))
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
