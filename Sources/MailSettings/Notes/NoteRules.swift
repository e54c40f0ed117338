/// General advice derived from the ranked candidates rather than written into each provider:
/// port 25, unencrypted ports, SSL/TLS versus STARTTLS, OAuth-only servers, untrusted or
/// uncertain sources, POP3 keeping mail on the server.
public enum NoteRules {
    /// Ports where an unencrypted connection is a classic mistake.
    static let classicPlainPorts: Set<Int> = [110, 143, 25, 587]

    /// The notes the candidates call for, in a stable order.
    ///
    /// - Parameters:
    ///   - incoming: ranked POP3/IMAP candidates.
    ///   - outgoing: ranked SMTP candidates.
    ///   - provider: the provider's name for the texts, when known.
    ///   - domain: the mail domain, for the texts.
    ///   - confidence: the confidence of the best candidate's best source.
    ///   - preferred: the incoming protocol the person asked for.
    ///   - findings: what the sources found, placeholders in host names filled in; trusted
    ///     findings naming different servers give the `sources-disagree` note.
    public static func notes(
        incoming: [Candidate],
        outgoing: [Candidate],
        provider: String?,
        domain: String,
        confidence: Provider.Confidence?,
        preferred: MailProtocol = .pop3,
        findings: [SourceFinding] = []
    ) -> [NoteRequest] {
        var notes: [NoteRequest] = []
        let all = incoming + outgoing
        let values = ["provider": provider ?? "", "domain": domain]
        func with(_ extra: [String: String]) -> [String: String] { values.merging(extra) { $1 } }

        let best = [incoming.first, outgoing.first].compactMap { $0 }
        if best.contains(where: { $0.settings.isOAuthOnly }) {
            notes.append(NoteRequest(id: "oauth-only", values: values))
        }
        if best.contains(where: { !$0.trusted }) {
            notes.append(NoteRequest(id: "untrusted-source", values: values))
        }
        if let disagreement = sourcesDisagree(findings, domain: domain) {
            notes.append(disagreement)
        }
        if confidence == .low {
            notes.append(NoteRequest(id: "unverified-settings", values: values))
        }
        if let plain = all.first(where: { $0.settings.security == .plain }) {
            notes.append(NoteRequest(id: "insecure-port", values: with([
                "host": plain.settings.hostname, "port": String(plain.settings.port),
            ])))
        }
        if let port25 = outgoing.first(where: { $0.settings.port == 25 }) {
            notes.append(NoteRequest(id: "port-25-blocked", values: with(["host": port25.settings.hostname])))
        }
        let securities = Set(all.map(\.settings.security))
        if securities.contains(.tls), securities.contains(.starttls) {
            notes.append(NoteRequest(id: "tls-vs-starttls", values: values))
        }
        if preferred == .pop3, !incoming.isEmpty, !incoming.contains(where: { $0.settings.protocol == .pop3 }) {
            notes.append(NoteRequest(id: "no-pop", values: values))
        }
        if let first = incoming.first, first.settings.protocol == .pop3 {
            notes.append(NoteRequest(id: "pop-leave-copy", values: values))
        }
        return notes
    }

    /// The `sources-disagree` warning, when two trusted findings offer servers of the same
    /// direction (incoming or outgoing) with no host name in common; nil when they agree.
    ///
    /// Host names are compared lower-cased, as given (fill in placeholders first). The note's
    /// `offers` value names, for every trusted source with servers in a direction that disagrees,
    /// its hosts in its own order — incoming before outgoing — with sources giving the same hosts
    /// grouped: `bundled, ispdb: pop.a.test, smtp.a.test; srv: mail.b.test`. Sources follow
    /// `order` (the ranking's tie-break order), so the text does not depend on the order of
    /// `findings`. Untrusted findings never count: they are flagged by `untrusted-source`.
    public static func sourcesDisagree(
        _ findings: [SourceFinding],
        domain: String,
        order: [SourceID] = RankingPolicy.defaultSourceOrder
    ) -> NoteRequest? {
        // Hosts of each trusted source, per direction, in the source's own order, no repeats.
        var hosts: [SourceID: [Bool: [String]]] = [:]
        for finding in findings where finding.trusted {
            for server in finding.servers {
                let host = server.hostname.lowercased()
                let incoming = server.protocol.isIncoming
                if hosts[finding.source, default: [:]][incoming, default: []].contains(host) { continue }
                hosts[finding.source, default: [:]][incoming, default: []].append(host)
            }
        }
        let sources = hosts.keys.sorted { RankingPolicy.precedes($0, $1, in: order) }
        let disagreeing = [true, false].filter { incoming in
            let sets = sources.compactMap { hosts[$0]?[incoming] }.filter { !$0.isEmpty }.map(Set.init)
            return sets.indices.contains { index in
                sets[(index + 1)...].contains { $0.isDisjoint(with: sets[index]) }
            }
        }
        guard !disagreeing.isEmpty else { return nil }

        var groups: [(sources: [SourceID], hosts: [String])] = []
        for source in sources {
            let offered = disagreeing.flatMap { hosts[source]?[$0] ?? [] }
            guard !offered.isEmpty else { continue }
            if let index = groups.firstIndex(where: { $0.hosts == offered }) {
                groups[index].sources.append(source)
            } else {
                groups.append((sources: [source], hosts: offered))
            }
        }
        let offers = groups.map { group in
            group.sources.map(\.rawValue).joined(separator: ", ") + ": " + group.hosts.joined(separator: ", ")
        }
        return NoteRequest(id: "sources-disagree", values: ["domain": domain, "offers": offers.joined(separator: "; ")])
    }
}
