extension KnowledgeBase {
    /// What the knowledge base knows of a domain, as a source finding: by the domain itself,
    /// or else by its MX hosts (best preference first) matched against hosting patterns.
    ///
    /// A filtering relay among the MX hosts adds a `filtering-relay` note and the search goes on
    /// with the next MX host.
    public func finding(for domain: DomainName, mxHosts: [String] = []) -> (SourceFinding, SourceReport) {
        if let provider = provider(forDomain: domain) {
            return finding(provider, domain: domain, how: "\(domain.ascii) belongs to \(provider.name)")
        }
        var relayNotes: [NoteRequest] = []
        var relays: [String] = []
        for host in mxHosts {
            guard let match = hostingMatch(forMXHost: host, domain: domain) else { continue }
            if match.provider.kind == .relay {
                relays.append("\(match.mxHost) is \(match.provider.name), a filtering relay")
                relayNotes.append(NoteRequest(
                    id: "filtering-relay",
                    values: ["provider": match.provider.name, "domain": domain.unicode]
                ))
                continue
            }
            var (found, report) = finding(
                match.provider,
                domain: domain,
                how: "MX \(match.mxHost) matches \(match.provider.name) (\(match.pattern))"
            )
            found.notes = relayNotes + found.notes
            return (found, report)
        }
        let finding = SourceFinding(source: .bundled, trusted: true, confidence: .high, servers: [], notes: relayNotes)
        var detail = "\(domain.ascii) is not in the knowledge base"
        if !mxHosts.isEmpty {
            detail += relays.isEmpty ? ", and no MX host matches a hosting pattern" : "; \(relays.joined(separator: "; "))"
        }
        return (finding, SourceReport(id: .bundled, status: .empty, detail: detail))
    }

    private func finding(_ provider: Provider, domain: DomainName, how: String) -> (SourceFinding, SourceReport) {
        let values = ["provider": provider.name, "domain": domain.unicode]
        let notes = provider.notes.map { NoteRequest(id: $0.id, url: $0.url, values: values) }
        let finding = SourceFinding(
            source: .bundled,
            trusted: true,
            confidence: provider.confidence,
            provider: .init(id: provider.id, name: provider.name),
            servers: provider.servers,
            notes: notes
        )
        let status: SourceReport.Status = provider.servers.isEmpty ? .empty : .found
        var detail = how
        switch provider.origin {
        case .curated: detail += ", reviewed \(provider.lastReviewed ?? "by hand")"
        case .ispdb: detail += ", imported from the ISPDB, not reviewed"
        }
        if provider.servers.isEmpty { detail += "; it offers no POP3, IMAP or SMTP servers" }
        return (finding, SourceReport(id: .bundled, status: status, detail: detail))
    }

    /// Answers a query from the knowledge base alone: no network at all.
    ///
    /// ```swift
    /// let query = try MailQuery(parsing: "alice@gmail.com")
    /// let result = KnowledgeBase.bundled.lookup(query, input: "alice@gmail.com")
    /// print(result.incoming.first?.settings.hostname ?? "none")  // pop.gmail.com
    /// ```
    public func lookup(_ query: MailQuery, input: String, options: LookupOptions = LookupOptions()) -> LookupResult {
        let clock = ContinuousClock()
        let start = clock.now
        var (found, report) = finding(for: query.domain, mxHosts: options.mxHosts)
        report.ms = Int((clock.now - start) / .milliseconds(1))
        return LookupAssembler.assemble(
            query: query,
            input: input,
            findings: [found],
            reports: [report],
            catalog: notes,
            options: options
        )
    }
}
