import ArgumentParser
import MailAutoconfig
import MailSettings

/// Options of the commands that go on the network.
struct NetworkOptionGroup: ParsableArguments {
    @Option(help: ArgumentHelp("One deadline for the whole lookup, in seconds (0.1–300).", valueName: "seconds"))
    var timeout: Double = 10

    @Flag(name: .customLong("no-http"), help: "Never use the plain-HTTP autoconfig sources (they are untrusted).")
    var noHTTP = false

    @Flag(
        name: .customLong("wait-all"),
        help: "Wait for every source (or the deadline), even once the trusted sources have answered and agree.")
    var waitAll = false

    @Flag(help: "Also connect to every candidate (and to guessed servers) and report what each answered.")
    var probe = false

    @Flag(name: .customLong("no-send-address"), help: "Never send the address to the domain's servers (?emailaddress=, Autodiscover).")
    var noSendAddress = false

    @Option(name: .customLong("ispdb-url"), help: ArgumentHelp("Base URL of the ISPDB; the domain is appended.", valueName: "url"))
    var ispdbURL: String = ResolverOptions.defaultISPDBBaseURL

    @Option(help: ArgumentHelp("Connect to ADDR instead of resolving HOST for PORT (repeatable; curl's --resolve).", valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(
        name: .customLong("connect-to"),
        help: ArgumentHelp("Connect to HOST2:PORT2 instead of HOST:PORT; TLS still checks HOST (repeatable).", valueName: "host:port:host2:port2")
    )
    var connectTo: [String] = []

    @Option(help: ArgumentHelp("A PEM file of certificates to trust besides the system's (repeatable).", valueName: "file"))
    var cacert: [String] = []

    @Option(
        name: .customLong("dns-server"),
        help: ArgumentHelp("Ask this DNS server instead of /etc/resolv.conf's (repeatable; [IPv6]:PORT for IPv6).", valueName: "addr[:port]")
    )
    var dnsServer: [String] = []

    func validate() throws {
        guard timeout >= 0.1, timeout <= 300 else {
            throw ValidationError("--timeout \(timeout) is out of range: give 0.1 to 300 seconds")
        }
        do {
            _ = try HTTPURL(ispdbURL)
        } catch {
            throw ValidationError("--ispdb-url: \(error.description)")
        }
        do {
            _ = try AddressMapping(parsingResolve: resolve, parsingConnectTo: connectTo)
        } catch {
            throw ValidationError(error.description)
        }
        _ = try dnsServers()
    }

    /// The servers given with `--dns-server`, parsed.
    private func dnsServers() throws -> [DNSServer] {
        var servers: [DNSServer] = []
        for text in dnsServer {
            do {
                servers.append(try DNSServer(parsing: text))
            } catch {
                throw ValidationError("--dns-server: \(error.description)")
            }
        }
        return servers
    }

    /// The DNS resolver these options describe: the `--dns-server` servers when given, else the
    /// system's configuration (`/etc/resolv.conf`).
    func dnsResolver() throws -> NIODNSResolver {
        let servers = try dnsServers()
        if !servers.isEmpty {
            return NIODNSResolver(configuration: DNSConfiguration(servers: servers))
        }
        do {
            return NIODNSResolver(configuration: try .system())
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The resolver options for a lookup.
    func resolverOptions(lookup: LookupOptions, offline: Bool) -> ResolverOptions {
        ResolverOptions(
            lookup: lookup,
            offline: offline,
            timeout: .milliseconds(Int((timeout * 1000).rounded())),
            allowPlainHTTP: !noHTTP,
            sendAddress: !noSendAddress,
            ispdbBaseURL: ispdbURL,
            earlyAnswer: waitAll ? .waitForAll : .whenTrustedSourcesAgree,
            probe: probe,
            probeTimeout: probeTimeout
        )
    }

    /// The DNS resolver and the HTTP client these options describe. With `--dns-server`, the
    /// HTTP client resolves host names through the same servers (one view of the world);
    /// without, through the system's resolver.
    func transports() throws -> (http: NIOHTTPClient, dns: NIODNSResolver) {
        let dns = try dnsResolver()
        return (try httpClient(dns: dnsServer.isEmpty ? nil : dns), dns)
    }

    /// The resolver these options describe: the DNS resolver, the HTTP client and the prober
    /// together (every command that goes on the network starts here).
    ///
    /// - Parameter sharingResults: keep DNS answers for their TTL and HTTP results for a while,
    ///   and ask once for concurrent identical questions (`batch`, where many lines share domains,
    ///   ISPDB entries and mail hosts).
    func resolver(sharingResults: Bool = false) throws -> AutoconfigResolver {
        var transports = try transports()
        guard sharingResults else {
            return try AutoconfigResolver(http: transports.http, dns: transports.dns, prober: try prober(dns: transports.dns))
        }
        let dns = CachingDNSResolver(wrapping: transports.dns)
        transports.http.dns = dnsServer.isEmpty ? nil : dns
        return try AutoconfigResolver(
            http: CachingHTTPClient(wrapping: transports.http), dns: dns, prober: try prober(dns: dns))
    }

    /// The time each probe may take: the lookup's deadline, at most 15 s.
    var probeTimeout: Duration {
        .milliseconds(Int((min(timeout, 15) * 1000).rounded()))
    }

    /// The prober these options describe: the same trust roots, address mapping and DNS.
    func prober(dns: any DNSResolving) throws -> NIOServerProber {
        let mapping = try AddressMapping(parsingResolve: resolve, parsingConnectTo: connectTo)
        let roots = try trustRoots()
        do {
            return try NIOServerProber(additionalTrustRootsPEM: roots, addressMapping: mapping, dns: dns)
        } catch {
            throw ValidationError("--cacert: \(error.description)")
        }
    }

    /// The PEM texts of the `--cacert` files.
    private func trustRoots() throws -> [String] {
        var roots: [String] = []
        for path in cacert {
            switch FileBytes.read(path: path, limit: 1 << 20) {
            case .success(let bytes): roots.append(String(decoding: bytes, as: UTF8.self))
            case .failure(let failure): throw ValidationError("--cacert \(path): cannot read it: \(failure)")
            }
        }
        return roots
    }

    /// The HTTP client these options describe, resolving host names with `dns` (the system's when nil).
    func httpClient(dns: (any DNSResolving)?) throws -> NIOHTTPClient {
        let roots = try trustRoots()
        let mapping = try AddressMapping(parsingResolve: resolve, parsingConnectTo: connectTo)
        do {
            return try NIOHTTPClient(additionalTrustRootsPEM: roots, addressMapping: mapping, dns: dns)
        } catch {
            throw ValidationError("--cacert: \(error.description)")
        }
    }
}
