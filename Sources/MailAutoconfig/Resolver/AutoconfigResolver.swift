import Logging
import MailSettings

/// Finds the settings for an address by asking every source at once, under one deadline.
///
/// The bundled knowledge base answers at once; the domain's own autoconfig files (HTTPS, and
/// plain HTTP unless switched off), the ISPDB, the MX hosting patterns, the RFC 6186 SRV records
/// and Autodiscover run concurrently. A source that
/// fails or is still running at the deadline is reported, never fatal. The findings are merged
/// and ranked by `LookupAssembler`.
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
    /// Talks to the candidate and guessed servers when ``ResolverOptions/probe`` asks for it, or
    /// when no source found anything.
    public var prober: any ServerProbing
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
    ///   - prober: the prober; ``NIOServerProber`` with the system trust roots and `dns` by default.
    ///   - logger: where to log.
    public init(
        knowledgeBase: KnowledgeBase = .bundled,
        http: (any HTTPFetching)? = nil,
        dns: (any DNSResolving)? = nil,
        prober: (any ServerProbing)? = nil,
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
        if let prober {
            self.prober = prober
        } else {
            self.prober = try NIOServerProber(dns: self.dns, logger: logger)
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
    ///
    /// Every source starts at once; the answer comes when all have finished, when
    /// ``ResolverOptions/earlyAnswer`` allows it, or at the deadline, whichever is first. Sources
    /// still running then are cancelled (their sockets closed) and reported. Cancelling the
    /// calling task cancels every source.
    public func resolve(_ query: MailQuery, input: String, options: ResolverOptions = ResolverOptions()) async -> LookupResult {
        await run(query, input: input, options: options, emit: nil)
    }

    /// Resolves a query and streams what happens: each source starting and finishing (with its
    /// status, time and the ranked result so far), then the final result.
    ///
    /// ```swift
    /// for await event in resolver.updates(for: query, input: text) {
    ///     if case .finished(let report, _) = event { print(report.id, report.status, report.ms) }
    ///     if case .completed(let result) = event { show(result) }
    /// }
    /// ```
    ///
    /// The resolution runs while the sequence is iterated; when the iterating task is cancelled
    /// or stops early, every source is cancelled.
    public func updates(for query: MailQuery, input: String, options: ResolverOptions = ResolverOptions())
        -> AsyncStream<ResolutionEvent>
    {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let task = Task {
                let result = await run(query, input: input, options: options) { continuation.yield($0) }
                continuation.yield(.completed(result))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The resolution itself: `emit`, when given, hears of every source starting and finishing
    /// (the ranked result so far is only built for it).
    private func run(
        _ query: MailQuery, input: String, options: ResolverOptions, emit: ((ResolutionEvent) -> Void)?
    ) async -> LookupResult {
        let sources = Self.sources(for: options)
        let clock = ContinuousClock()
        let start = clock.now
        let context = SourceContext(
            http: http, dns: dns, options: options, knowledgeBase: knowledgeBase,
            deadline: start + options.timeout, logger: logger
        )
        var outcomes: [Int: (SourceOutcome, Duration)] = [:]
        var earlyAnswerAt: Duration?
        await withTaskGroup(of: (Int, SourceOutcome, Duration)?.self) { group in
            for (position, source) in sources.enumerated() {
                emit?(.started(source.id))
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
                let report = Self.report(sources[position], outcome, elapsed)
                logger.debug("source finished", metadata: [
                    "source": "\(report.id)", "status": "\(report.status.rawValue)", "ms": "\(report.ms)",
                ])
                let findings = sources.indices.compactMap { outcomes[$0]?.0.finding }
                if let emit {
                    emit(.finished(report, soFar: assemble(query, input, findings, Self.reports(sources, outcomes), options)))
                }
                let pending = Set(sources.indices.filter { outcomes[$0] == nil }.map { sources[$0].id })
                if pending.isEmpty {
                    group.cancelAll()  // everything answered: stop waiting for the deadline
                    break
                }
                if options.earlyAnswer.allowsAnswer(pending: pending, findings: findings, for: query) {
                    earlyAnswerAt = elapsed
                    group.cancelAll()
                    break
                }
            }
        }
        // Sources that never finished: given up at the deadline, or not needed after an early answer.
        for (position, source) in sources.enumerated() where outcomes[position] == nil {
            let outcome = if let earlyAnswerAt {
                SourceOutcome(
                    status: .skipped,
                    detail: "not waited for: the trusted sources agreed after \(Int(earlyAnswerAt / .milliseconds(1))) ms")
            } else {
                SourceOutcome(status: .failed, detail: "timed out: no answer within \(Self.seconds(options.timeout)) s")
            }
            let elapsed = earlyAnswerAt ?? options.timeout
            outcomes[position] = (outcome, elapsed)
            emit?(.finished(Self.report(source, outcome, elapsed), soFar: assemble(
                query, input, sources.indices.compactMap { outcomes[$0]?.0.finding }, Self.reports(sources, outcomes), options)))
        }
        let findings = sources.indices.compactMap { outcomes[$0]?.0.finding }
        let result = assemble(query, input, findings, Self.reports(sources, outcomes), options)
        guard !options.offline, options.probe || (result.incoming.isEmpty && result.outgoing.isEmpty), !Task.isCancelled else {
            return result
        }
        return await probe(result, query: query, input: input, findings: findings, reports: Self.reports(sources, outcomes), options: options, emit: emit)
    }

    /// The probing step: every candidate and the guesses whose names exist are probed at once;
    /// confirmed guesses join as the `guess` source, and each candidate carries what its probe showed.
    private func probe(
        _ result: LookupResult, query: MailQuery, input: String, findings: [SourceFinding], reports: [SourceReport],
        options: ResolverOptions, emit: ((ResolutionEvent) -> Void)?
    ) async -> LookupResult {
        let clock = ContinuousClock()
        let start = clock.now
        emit?(.started(.guess))
        // The whole step, the DNS check of the guessed names included, takes at most probeTimeout.
        let phaseDeadline = start + options.probeTimeout
        let known = Set((result.incoming + result.outgoing).map(\.settings.identity))
        let unknown = GuessedServers.servers(for: query.domain).filter { !known.contains($0.identity) }
        let dns = self.dns
        let guesses = await Deadline.run(until: phaseDeadline) { await Self.existing(unknown, dns: dns) } ?? []
        let candidates = (result.incoming + result.outgoing).map(\.settings)
        let targets = candidates + guesses.map { LookupAssembler.expand($0, for: query) }
        let remaining = max(phaseDeadline - clock.now, .milliseconds(1))
        let observations = await prober.probe(all: targets.map { ProbeTarget(server: $0, timeout: remaining) })

        var probes: [ServerSettings.Identity: ProbeSummary] = [:]
        for (server, observation) in zip(targets, observations) {
            probes[server.identity] = ProbeSummary(observation: observation, language: options.lookup.language)
        }
        let confirmed = zip(guesses, observations.suffix(guesses.count)).filter { $0.1.succeeded }
        var allFindings = findings
        if !confirmed.isEmpty {
            allFindings.append(SourceFinding(
                source: .guess, trusted: confirmed.allSatisfy { $0.1.tlsVersion != nil }, confidence: .medium,
                servers: confirmed.map { $0.0 }))
        }
        let answered = confirmed.map { "\($0.0.hostname):\($0.0.port)" }
        let detail = guesses.isEmpty
            ? "no guessed host name exists in DNS; \(candidates.count) candidates probed"
            : "\(guesses.count) guessed servers probed, \(confirmed.count) answered\(answered.isEmpty ? "" : ": " + answered.joined(separator: ", "))"
        let report = SourceReport(
            id: .guess, status: confirmed.isEmpty ? .empty : .found, detail: detail, ms: Int((clock.now - start) / .milliseconds(1)))
        let merged = assemble(query, input, allFindings, reports + [report], options)
        let final = ProbeAdjustment.apply(probes, to: merged, language: options.lookup.language)
        emit?(.finished(report, soFar: final))
        return final
    }

    /// The guesses whose host names have an address (each name asked once, all at once).
    private static func existing(_ guesses: [ServerSettings], dns: any DNSResolving) async -> [ServerSettings] {
        let names = Array(Set(guesses.map(\.hostname)))
        var found: Set<String> = []
        await withTaskGroup(of: (String, Bool).self) { group in
            for name in names {
                group.addTask {
                    async let v4 = try? dns.packedAddresses(of: name, family: .a)
                    async let v6 = try? dns.packedAddresses(of: name, family: .aaaa)
                    let any = !((await v4 ?? []) + (await v6 ?? [])).isEmpty
                    return (name, any)
                }
            }
            for await (name, exists) in group where exists { found.insert(name) }
        }
        return guesses.filter { found.contains($0.hostname) }
    }

    private func assemble(
        _ query: MailQuery, _ input: String, _ findings: [SourceFinding], _ reports: [SourceReport], _ options: ResolverOptions
    ) -> LookupResult {
        LookupAssembler.assemble(
            query: query, input: input, findings: findings, reports: reports,
            catalog: knowledgeBase.notes, options: options.lookup
        )
    }

    private static func report(_ source: any SettingsSource, _ outcome: SourceOutcome, _ elapsed: Duration) -> SourceReport {
        SourceReport(id: source.id, status: outcome.status, detail: outcome.detail, ms: Int(elapsed / .milliseconds(1)))
    }

    /// The reports of the sources finished so far, in the sources' order.
    private static func reports(_ sources: [any SettingsSource], _ outcomes: [Int: (SourceOutcome, Duration)]) -> [SourceReport] {
        sources.indices.compactMap { position in
            outcomes[position].map { report(sources[position], $0.0, $0.1) }
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int(duration / .milliseconds(1))
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
