/// Turns the findings of every source into one ``LookupResult``: placeholders filled in,
/// candidates merged and ranked, notes gathered, localized and ordered (actions first).
public enum LookupAssembler {
    /// Assembles a result.
    ///
    /// - Parameters:
    ///   - query: what was asked.
    ///   - input: the text as typed, echoed in the result.
    ///   - findings: what each source found, in the order sources are listed.
    ///   - reports: what each source did.
    ///   - catalog: the note catalog to write notes from.
    ///   - options: preferred protocol and language.
    public static func assemble(
        query: MailQuery,
        input: String,
        findings: [SourceFinding],
        reports: [SourceReport],
        catalog: NoteCatalog,
        options: LookupOptions
    ) -> LookupResult {
        let language = options.language
        let expanded = findings.map { finding in
            var finding = finding
            finding.servers = finding.servers.map { expand($0, for: query) }
            return finding
        }
        let ranked = CandidateRanking.rank(
            expanded,
            policy: RankingPolicy(preferredIncoming: options.preferredIncoming),
            language: language
        )
        let provider = findings.lazy.compactMap(\.provider).first
        let bestSource = (ranked.incoming.first ?? ranked.outgoing.first)?.sources.first
        let bestConfidence = findings.first { $0.source == bestSource }?.confidence

        var requests = findings.flatMap(\.notes)
        requests += NoteRules.notes(
            incoming: ranked.incoming,
            outgoing: ranked.outgoing,
            provider: provider?.name,
            domain: query.domain.unicode,
            confidence: bestConfidence,
            preferred: options.preferredIncoming,
            findings: expanded
        )
        if ranked.incoming.isEmpty, ranked.outgoing.isEmpty, provider == nil {
            requests.append(NoteRequest(id: "not-in-knowledge-base", values: ["domain": query.domain.unicode]))
        }
        let notes = render(requests, catalog: catalog, language: language, providerName: provider?.name)

        return LookupResult(
            query: .init(input: input, domain: query.domain.ascii, localPart: query.address?.localPart),
            provider: provider,
            incoming: ranked.incoming,
            outgoing: ranked.outgoing,
            notes: notes,
            sources: reports
        )
    }

    /// Fills `%EMAILDOMAIN%` in the host name, and the user name when an address is known.
    public static func expand(_ server: ServerSettings, for query: MailQuery) -> ServerSettings {
        var server = server
        server.hostname = Placeholders.expand(server.hostname, address: query.address, domain: query.domain)
        if query.address != nil {
            server.username = Placeholders.expand(server.username, address: query.address, domain: query.domain)
        }
        return server
    }

    /// One note per id (the first request wins, keeping the first URL any request gave),
    /// actions first, then warnings, then information.
    static func render(_ requests: [NoteRequest], catalog: NoteCatalog, language: Language, providerName: String?) -> [Note] {
        let fallbackName = language == .spanish ? "tu proveedor" : "your provider"
        var seen: [String: Int] = [:]
        var notes: [Note] = []
        for var request in requests {
            if request.values["provider", default: ""].isEmpty {
                request.values["provider"] = providerName ?? fallbackName
            }
            if let index = seen[request.id] {
                if notes[index].url == nil, let url = request.url { notes[index].url = url }
                continue
            }
            guard let note = catalog.note(for: request, in: language) else { continue }
            seen[request.id] = notes.count
            notes.append(note)
        }
        let order: [Note.Kind: Int] = [.action: 0, .warning: 1, .info: 2]
        return notes.enumerated()
            .sorted { (order[$0.element.kind]!, $0.offset) < (order[$1.element.kind]!, $1.offset) }
            .map(\.element)
    }
}
