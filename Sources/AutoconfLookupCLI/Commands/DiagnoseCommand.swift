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

extension ConnectionSecurity: ExpressibleByArgument {}

/// `autoconf-lookup diagnose ADDRESS`: checks the servers and says what is wrong and what to do.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Check an address's servers (DNS, connection, TLS, greeting, login, SMTP ports) and explain what is wrong.",
        discussion: """
            Without --server, the best incoming server found is checked; with it, yours is, and compared \
            with what works. SMTP is checked on ports 465, 587 and 25. With --password-stdin the login is \
            tried too; the password is read from standard input and never printed, logged or written.
            """
    )

    @Argument(help: ArgumentHelp("The email address to check (alice@example.com).", valueName: "address"))
    var input: String

    @Option(help: ArgumentHelp("Your server's host name, to check it and compare it with what works.", valueName: "host"))
    var server: String?

    @Option(help: ArgumentHelp("Your server's port (the protocol follows from it: 110/995 POP3, 143/993 IMAP, 25/465/587 SMTP).", valueName: "n"))
    var port: Int?

    @Option(help: ArgumentHelp("Your server's security: tls (SSL/TLS), starttls or plain (default from the port).", valueName: "security"))
    var security: ConnectionSecurity?

    @Option(name: .customLong("protocol"), help: ArgumentHelp("The protocol when the port does not tell: pop3, imap or smtp.", valueName: "protocol"))
    var mailProtocol: MailProtocol?

    @Option(help: ArgumentHelp("The user name to log in with (default: the address).", valueName: "name"))
    var user: String?

    @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input and try to log in.")
    var passwordStdin = false

    @OptionGroup var options: LookupOptionGroup

    @OptionGroup(title: "Network options") var network: NetworkOptionGroup

    func validate() throws {
        if server == nil, port != nil || security != nil || mailProtocol != nil {
            throw ValidationError("--port, --security and --protocol describe your server: give --server too")
        }
        if let port, !(1...65535).contains(port) {
            throw ValidationError("--port \(port) is out of range: give 1 to 65535")
        }
        if let server {
            guard (try? DomainName(server)) != nil || AddressMapping.isIPAddress(server) else {
                throw ValidationError("--server \(server) is not a host name")
            }
            guard let port else { throw ValidationError("--server needs --port (for example 995 for POP3 with SSL/TLS)") }
            guard mailProtocol != nil || DiagnosisRules.mailProtocol(forPort: port) != nil else {
                throw ValidationError("port \(port) is not a standard mail port: say the protocol with --protocol pop3|imap|smtp")
            }
        }
        if options.offline {
            throw ValidationError("diagnose talks to the servers: --offline cannot be used with it")
        }
    }

    /// The person's own server, from --server, --port, --security and --protocol.
    private func currentServer(username: String) -> ServerSettings? {
        guard let server, let port else { return nil }
        let mailProtocol = self.mailProtocol ?? DiagnosisRules.mailProtocol(forPort: port) ?? .pop3
        let security = self.security ?? ([465, 993, 995].contains(port) ? .tls : .starttls)
        return ServerSettings(protocol: mailProtocol, hostname: server, port: port, security: security, username: username)
    }

    func run() async throws {
        let environment = ProcessEnvironment.current()
        let query = try MailQuery.argument(input)
        let username = user ?? query.address?.ascii
        var credentials: Credentials?
        if passwordStdin {
            guard let username else {
                throw ValidationError("to log in, give an address (not only a domain) or --user")
            }
            credentials = Credentials(username: username, password: try PasswordInput.read())
        }
        let lookupOptions = options.lookupOptions(environment: environment)
        let resolver = try network.resolver()
        let diagnoser = MailDiagnoser(resolver: resolver, prober: resolver.prober, probeTimeout: network.probeTimeout)
        let report = await diagnoser.diagnose(
            query, input: input, current: currentServer(username: username ?? ""), credentials: credentials,
            options: network.resolverOptions(lookup: lookupOptions, offline: false))
        if options.json {
            print(report.json.prettyPrinted)
        } else {
            let renderer = DiagnosisRenderer(language: lookupOptions.language, width: TerminalWidth.current(environment))
            print(renderer.render(report, query: query), terminator: "")
        }
        if !report.passed {
            throw ExitCode(1)
        }
    }
}

/// Reads a password from standard input: at most 4 KiB, one line end at the end removed. The
/// text never leaves this process except to the server.
enum PasswordInput {
    static func read() throws -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count <= 4096 {
            let count = chunk.withUnsafeMutableBytes { SystemCall.read(0, $0.baseAddress!, $0.count) }
            if count > 0 {
                bytes += chunk[0..<count]
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw ValidationError("--password-stdin: cannot read standard input")
            }
        }
        guard bytes.count <= 4096 else { throw ValidationError("--password-stdin: the password is longer than 4096 bytes") }
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw ValidationError("--password-stdin: standard input was empty; pipe the password in") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
