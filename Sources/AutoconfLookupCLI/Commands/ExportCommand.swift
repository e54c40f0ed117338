import ArgumentParser
import MailAutoconfig
import MailSettings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ExportFormat: ExpressibleByArgument {}

/// `autoconf-lookup export ADDRESS --format F`: a ready configuration file for a mail client,
/// from the best settings found.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a configuration file for a mail client from the best settings found.",
        discussion: """
            Formats: thunderbird (clientConfig XML, as a hoster publishes it), mobileconfig (Apple profile), \
            autodiscover (Outlook), msmtp, mpop, fetchmail, getmail, neomutt. The file is written with mode \
            0600; no password is ever written, but --password-command adds a command that prints it where \
            the format allows one.
            """
    )

    @Argument(help: ArgumentHelp("The email address (alice@example.com).", valueName: "address"))
    var input: String

    @Option(help: ArgumentHelp("The client: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "format"))
    var format: ExportFormat

    @Option(help: ArgumentHelp("Write to this file (mode 0600) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .customLong("password-command"),
        help: ArgumentHelp("A command that prints the password (msmtp, mpop, getmail, neomutt).", valueName: "command"))
    var passwordCommand: String?

    @Option(help: ArgumentHelp("Your name, for the From line and the account's title.", valueName: "name"))
    var name: String?

    @OptionGroup var options: LookupOptionGroup

    @OptionGroup(title: "Network options") var network: NetworkOptionGroup

    func validate() throws {
        if options.offline, network.probe {
            throw ValidationError("--probe talks to the servers: it cannot be used with --offline")
        }
        if options.json {
            throw ValidationError("export writes the client's own format: --json cannot be used with it")
        }
    }

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let query = try MailQuery.argument(input)
        guard let address = query.address else {
            throw ValidationError("export needs an address, not only a domain: the file names the account (alice@\(query.domain.unicode))")
        }
        let lookupOptions = options.lookupOptions(environment: environment)
        let result: LookupResult
        if options.offline {
            result = KnowledgeBase.bundled.lookup(query, input: input, options: lookupOptions)
        } else {
            let resolver = try network.resolver()
            result = await resolver.resolve(query, input: input, options: network.resolverOptions(lookup: lookupOptions, offline: false))
        }
        let account = ExportAccount(
            address: address, result: result, format: format, preferred: lookupOptions.preferredIncoming,
            personName: name, passwordCommand: passwordCommand)
        let file: ExportedFile
        do {
            file = try ExportWriters.writer(for: format).write(account)
        } catch {
            StandardError.write("autoconf-lookup: \(error.description)")
            throw ExitCode(1)
        }
        if let output {
            if let failure = PrivateFile.write(file.contents, to: output) {
                throw ValidationError("--output \(output): \(failure)")
            }
        } else {
            print(file.contents, terminator: file.contents.hasSuffix("\n") ? "" : "\n")
        }
        // What the person must still do, once the file exists: the provider's actions first.
        for note in result.notes where note.kind == .action {
            StandardError.write("autoconf-lookup: \(note.text)\(note.url.map { " \($0)" } ?? "")")
        }
        for note in file.notes { StandardError.write("autoconf-lookup: \(note)") }
    }
}

/// Writes a file readable by its owner only (mode 0600), replacing what was there.
enum PrivateFile {
    /// Nil when written; else why not, in a few words.
    static func write(_ text: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600)
        // O_NOFOLLOW: a symbolic link is refused rather than followed somewhere unexpected.
        guard descriptor >= 0 else {
            return errno == ELOOP ? "it is a symbolic link; give the real path" : SystemCall.reason(errno, missing: "no such folder")
        }
        defer { _ = close(descriptor) }
        // An existing file keeps its mode through O_CREAT: make it private too.
        guard fchmod(descriptor, 0o600) == 0 else { return SystemCall.reason(errno, missing: "no such folder") }
        var text = text
        return text.withUTF8 { bytes -> String? in
            var offset = 0
            while offset < bytes.count {
                let written = SystemCall.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return SystemCall.reason(errno, missing: "no such folder")
                }
            }
            return nil
        }
    }
}
