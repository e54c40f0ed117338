import Logging
import MailSettings

/// Finds the settings for an address by asking every source at once, under one deadline.
///
/// The bundled knowledge base answers at once; the domain's own autoconfig files (HTTPS, and
/// plain HTTP unless switched off), the ISPDB, the MX hosting patterns, the RFC 6186 SRV records
/// and Autodiscover run concurrently. A source that
/// fails or is still running at the deadline is reported, never fatal. The findings are merged
/// and ranked by ``LookupAssembler``.
///
/// ```swift
/// let resolver = try AutoconfigResolver()
/// let result = await resolver.resolve(try MailQuery(parsing: "alice@example.com"), input: "alice@example.com")
/// print(result.incoming.first?.settings.hostname ?? "nothing found")
/// ```
public struct AutoconfigResolver: Sendable {
    /// The knowledge base used as the `bundled` source.
    public var knowledgeBase: KnowledgeBase
    /// The HTTP transport of the network sources.
    public var http: any HTTPFetching
    /// The DNS resolver of the `srv` and `mx` sources.
    public var dns: any DNSResolving
    /// Where the resolver logs what each source did (a no-op logger unless one is given).
    public var logger: Logger

    /// Creates a resolver.
    ///
    /// - Parameters:
    ///   - knowledgeBase: the `bundled` source's data.
    ///   - http: the HTTP transport; by default ``NIOHTTPClient`` with the system trust roots,
    ///     resolving host names through `dns` when one is given (one view of the world), else
    ///     through the system's resolver.
    ///   - dns: the DNS resolver; ``NIODNSResolver`` with the system's configuration
    ///     (`/etc/resolv.conf`) by default; when that cannot be read, DNS queries fail and the
    ///     `srv` and `mx` sources say so.
    ///   - logger: where to log.
    public init(
        knowledgeBase: KnowledgeBase = .bundled,
        http: (any HTTPFetching)? = nil,
        dns: (any DNSResolving)? = nil,
        logger: Logger = Logger(label: "mail-autoconfig", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(HTTPFetchError) {
        self.knowledgeBase = knowledgeBase
        if let http {
            self.http = http
        } else {
            self.http = try NIOHTTPClient(dns: dns, logger: logger)
        }
        if let dns {
            self.dns = dns
        } else {
            self.dns = NIODNSResolver(configuration: (try? DNSConfiguration.system()) ?? DNSConfiguration(servers: []))
        }
        self.logger = logger
    }

    /// The sources a resolution with `options` asks, in the order they are reported.
    public static func sources(for options: ResolverOptions) -> [any SettingsSource] {
        var sources: [any SettingsSource] = [BundledSource()]
        guard !options.offline else { return sources }
        sources += [
            AutoconfigFileSource(place: .autoconfigHost, secure: true),
            AutoconfigFileSource(place: .wellKnown, secure: true),
            AutoconfigFileSource(place: .autoconfigHost, secure: false),
            AutoconfigFileSource(place: .wellKnown, secure: false),
            ISPDBSource(),
            MXSource(),
            SRVSource(),
            AutodiscoverSource(),
        ]
        return sources
    }

    /// Resolves a query into a ranked, explained result.
    public func resolve(_ query: MailQuery, input: String, options: ResolverOptions = ResolverOptions()) async -> LookupResult {
        let sources = Self.sources(for: options)
        let clock = ContinuousClock()
        let start = clock.now
        let context = SourceContext(
            http: http, dns: dns, options: options, knowledgeBase: knowledgeBase,
            deadline: start + options.timeout, logger: logger
        )
        var outcomes: [Int: (SourceOutcome, Duration)] = [:]
        await withTaskGroup(of: (Int, SourceOutcome, Duration)?.self) { group in
            for (position, source) in sources.enumerated() {
                group.addTask {
                    let outcome = await source.lookUp(query, in: context)
                    return (position, outcome, clock.now - start)
                }
            }
            group.addTask {
                // The deadline: when this child finishes first, the others are cancelled.
                try? await Task.sleep(until: context.deadline, clock: clock)
                return nil
            }
            for await finished in group {
                guard let (position, outcome, elapsed) = finished else {
                    group.cancelAll()
                    break
                }
                outcomes[position] = (outcome, elapsed)
                if outcomes.count == sources.count {
                    group.cancelAll()  // everything answered: stop waiting for the deadline
                    break
                }
            }
        }
        var findings: [SourceFinding] = []
        var reports: [SourceReport] = []
        for (position, source) in sources.enumerated() {
            let (outcome, elapsed) = outcomes[position] ?? (
                SourceOutcome(status: .failed, detail: "timed out: no answer within \(Self.seconds(options.timeout)) s"),
                options.timeout
            )
            if let finding = outcome.finding { findings.append(finding) }
            let report = SourceReport(id: source.id, status: outcome.status, detail: outcome.detail, ms: Int(elapsed / .milliseconds(1)))
            reports.append(report)
            logger.debug("source finished", metadata: [
                "source": "\(report.id)", "status": "\(report.status.rawValue)", "ms": "\(report.ms)",
            ])
        }
        return LookupAssembler.assemble(
            query: query, input: input, findings: findings, reports: reports,
            catalog: knowledgeBase.notes, options: options.lookup
        )
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int(duration / .milliseconds(1))
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
