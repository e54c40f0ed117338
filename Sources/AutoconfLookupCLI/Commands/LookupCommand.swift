import ArgumentParser
import MailAutoconfig
import MailSettings

/// `autoconf-lookup [lookup] ADDRESS`: the ranked settings and notes for an address or domain.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Look up the settings for an address or a domain (the default command)."
    )

    @Argument(help: ArgumentHelp("An email address (alice@example.com) or a domain (example.com).", valueName: "address-or-domain"))
    var input: String

    @OptionGroup var options: LookupOptionGroup

    @OptionGroup(title: "Network options") var network: NetworkOptionGroup

    func validate() throws {
        if options.offline, network.probe {
            throw ValidationError("--probe talks to the servers: it cannot be used with --offline")
        }
    }

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let query = try MailQuery.argument(input)
        let lookupOptions = options.lookupOptions(environment: environment)
        let result: LookupResult
        if options.offline {
            result = KnowledgeBase.bundled.lookup(query, input: input, options: lookupOptions)
        } else {
            let resolver = try network.resolver()
            let progress = ProgressLine(language: lookupOptions.language, environment: environment)
            var pending: [SourceID] = []
            var answered = 0
            var final: LookupResult?
            for await event in resolver.updates(
                for: query, input: input, options: network.resolverOptions(lookup: lookupOptions, offline: false))
            {
                switch event {
                case .started(let id):
                    pending.append(id)
                case .finished(let report, _):
                    pending.removeAll { $0 == report.id }
                    answered += 1
                    progress.show(answered: answered, total: answered + pending.count, pending: pending)
                case .completed(let complete):
                    final = complete
                }
            }
            progress.clear()
            // The stream always ends with the result; an empty one only if this task was cancelled.
            result = final ?? KnowledgeBase.bundled.lookup(query, input: input, options: lookupOptions)
        }
        if options.json {
            print(LookupJSON.encode(result))
        } else {
            let renderer = HumanRenderer(language: lookupOptions.language, width: TerminalWidth.current(environment))
            print(renderer.render(result, query: query, preferred: lookupOptions.preferredIncoming), terminator: "")
        }
        if !result.isComplete {
            throw ExitCode(1)
        }
    }
}
