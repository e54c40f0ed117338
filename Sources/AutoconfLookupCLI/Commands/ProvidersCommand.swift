import ArgumentParser
import MailSettings

/// `autoconf-lookup providers`: what the bundled knowledge base knows.
struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List the providers of the bundled knowledge base."
    )

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() throws {
        let providers = KnowledgeBase.bundled.providers
        if json {
            print(LookupJSON.encode(providers))
            return
        }
        let rows = providers.map { provider -> [String] in
            let protocols = Set(provider.servers.map(\.protocol))
            let offers = MailProtocol.allCases.filter(protocols.contains).map(\.displayName).joined(separator: " ")
            let origin = provider.origin == .curated ? "curated \(provider.lastReviewed ?? "")" : "ISPDB import"
            let kind = provider.kind == .relay ? "filtering relay" : (offers.isEmpty ? "no POP3/IMAP/SMTP" : offers)
            let domains = provider.domains.prefix(3).joined(separator: " ") + (provider.domains.count > 3 ? " (+\(provider.domains.count - 3))" : "")
            return [provider.id, provider.name, kind, provider.confidence.rawValue, origin, domains]
        }
        print(TextTable.render(header: ["ID", "NAME", "OFFERS", "CONFIDENCE", "ORIGIN", "DOMAINS"], rows: rows), terminator: "")
        let domainCount = providers.reduce(0) { $0 + $1.domains.count }
        print("\(providers.count) providers, \(domainCount) domains")
    }
}
