import ArgumentParser
import MailSettings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `autoconf-lookup validate FILE`: checks a Mozilla autoconfig file before it is published.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a Mozilla autoconfig file (config-v1.1.xml) before publishing it.",
        discussion: """
            Reads the file as Thunderbird does (leniently: unknown elements are ignored) and
            reports errors (a server block that mail programs cannot use, such as a host name
            with a port in it or a port out of range) and warnings (unencrypted connections,
            SSL on a STARTTLS port, plain-http help pages …), each with its line number.

            With --json it prints one object:
              {"valid": true|false,
               "errors":   [{"line": 12, "message": "..."}],   (line is null when unknown)
               "warnings": [{"line": 20, "message": "..."}],
               "incoming": [{"protocol", "hostname", "port", "security", "username" (null when absent),
                             "authentication", "line"}],      (file order, placeholders as written)
               "outgoing": [...],
               "notes":    [{"id", "kind", "text", "url"?}]}

            Exit status: 0 when the file offers at least one usable incoming (POP3/IMAP) and
            one usable outgoing (SMTP) server, 1 when it does not (including a file that is not
            XML), 64 for a usage error or a file that cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("The autoconfig file to check.", valueName: "file.xml"))
    var file: String

    @Flag(help: "Print the report as JSON (errors and warnings as {\"line\", \"message\"} objects).")
    var json = false

    @Option(help: "Language of headings and notes (default: from LC_ALL, LC_MESSAGES or LANG, else en).")
    var lang: OutputLanguage?

    func run() throws {
        let bytes: [UInt8]
        switch FileBytes.read(path: file, limit: XMLLimits().maximumBytes + 1) {
        case let .success(read): bytes = read
        case let .failure(reason): throw ValidationError("cannot read \(file): \(reason)")
        }
        let config = ClientConfigParser.parse(bytes)
        let language = lang?.language ?? Language.fromEnvironment(ProcessEnvironment.current())
        let notes = config.notes(language: language)
        if json {
            print(ValidationReport.json(config, notes: notes).prettyPrinted)
        } else {
            print(ValidationReport.human(config, notes: notes, file: file, language: language), terminator: "")
        }
        if !config.isValid {
            throw ExitCode(1)
        }
    }
}

/// Reads a file's bytes through the C library (the CLI never loads Foundation).
enum FileBytes {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// At most `limit` bytes of the file; a longer file is cut there (the XML reader then refuses it as too large).
    static func read(path: String, limit: Int) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return .failure(Failure(description: SystemCall.reason(errno))) }
        defer { _ = close(descriptor) }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(Failure(description: SystemCall.reason(EISDIR)))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let count = chunk.withUnsafeMutableBytes { SystemCall.read(descriptor, $0.baseAddress!, wanted) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return .failure(Failure(description: SystemCall.reason(errno)))
            }
        }
        return .success(bytes)
    }
}
