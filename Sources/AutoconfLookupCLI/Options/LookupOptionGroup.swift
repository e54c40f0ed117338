import ArgumentParser
import MailSettings

extension MailProtocol: ExpressibleByArgument {}

/// The incoming protocols a person may prefer.
enum PreferredProtocol: String, ExpressibleByArgument, CaseIterable {
    case pop3, imap

    var mailProtocol: MailProtocol { self == .pop3 ? .pop3 : .imap }
}

/// The output languages.
enum OutputLanguage: String, ExpressibleByArgument, CaseIterable {
    case en, es

    var language: Language { self == .en ? .english : .spanish }
}

/// Options shared by the commands that look settings up.
struct LookupOptionGroup: ParsableArguments {
    @Flag(help: "Print the result as JSON (a stable contract for scripts).")
    var json = false

    @Flag(help: "Use the bundled knowledge base only: no network at all.")
    var offline = false

    @Option(help: "The incoming protocol to list first.")
    var prefer: PreferredProtocol = .pop3

    @Option(help: "Language of notes and reasons (default: from LC_ALL, LC_MESSAGES or LANG, else en).")
    var lang: OutputLanguage?

    @Option(
        name: .customLong("mx"),
        help: ArgumentHelp(
            "An MX host of the domain, to match against hosting patterns (repeatable, best first).",
            valueName: "host"
        )
    )
    var mxHosts: [String] = []

    func language(environment: [String: String]) -> Language {
        lang?.language ?? Language.fromEnvironment(environment)
    }

    func lookupOptions(environment: [String: String]) -> LookupOptions {
        LookupOptions(
            preferredIncoming: prefer.mailProtocol,
            language: language(environment: environment),
            mxHosts: mxHosts
        )
    }

    func validate() throws {
        for host in mxHosts {
            do {
                _ = try DomainName(host)
            } catch {
                throw ValidationError("--mx \(error)")
            }
        }
    }
}
