import MailSettings

/// The domain's MX records matched against the knowledge base's hosting patterns: a domain
/// whose mail goes to `aspmx.l.google.com` is on Google Workspace, one whose mail goes to
/// `*.mail.protection.outlook.com` is on Microsoft 365.
///
/// The MX hosts are sorted by preference (lowest first, then by name) and handed to
/// `KnowledgeBase.finding(for:mxHosts:)`, which skips filtering relays and returns the first
/// hosting provider; the finding is reported as this source's (`mx`).
///
/// When no hosting pattern matches, the mail host's own domains are asked, as Thunderbird does:
/// for `mx1.mail.hoster.example`, first `mail.hoster.example`, then `hoster.example`
/// (`PublicSuffixList.settingsDomains(forMailHost:)`), each at
/// `https://autoconfig.<domain>/mail/config-v1.1.xml` and in the ISPDB at once; the first file
/// found is the finding. The user's address is never sent there: the hoster is a third party.
/// The best MX host that is not a filtering relay is the one asked about.
///
/// Skipped, without a query, when the domain itself is in the knowledge base (the `bundled`
/// source answers for it); skipped after the query when the best MX host's registered domain
/// is the user's own (the domain runs its own mail: its own autoconfig sources already ask).
/// A null MX (RFC 7505) is reported as empty.
public struct MXSource: SettingsSource {
    /// Always `mx`.
    public var id: SourceID { .mx }

    /// Creates the source.
    public init() {}

    /// The MX exchanges of an answer, best preference first (then by name); a null MX is left out.
    public static func hosts(of answer: DNSAnswer) -> [String] {
        var exchanges: [(UInt16, String)] = []
        for record in answer.matchingRecords {
            guard case .mx(let preference, let exchange) = record.data, exchange != ".", !exchange.isEmpty else { continue }
            exchanges.append((preference, exchange))
        }
        return exchanges.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.1)
    }

    /// Asks for the MX records and matches them against the hosting patterns.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        let domain = query.domain
        if let provider = context.knowledgeBase.provider(forDomain: domain) {
            return SourceOutcome(
                status: .skipped,
                detail: "\(domain.ascii) belongs to \(provider.name), known without its MX records")
        }
        let answer: DNSAnswer
        do {
            answer = try await context.dns.query(domain.ascii, type: .mx)
        } catch {
            return SourceOutcome(status: .failed, detail: "MX \(domain.ascii): \(error.description)")
        }
        switch answer.rcode {
        case .noError:
            break
        case .nameError:
            return SourceOutcome(status: .empty, detail: "MX \(domain.ascii): no such domain (NXDOMAIN)")
        default:
            return SourceOutcome(status: .failed, detail: "MX \(domain.ascii): \(answer.rcode)")
        }
        let hosts = Self.hosts(of: answer)
        guard let best = hosts.first else {
            let null = answer.matchingRecords.contains {
                if case .mx(_, ".") = $0.data { return true }
                return false
            }
            return SourceOutcome(
                status: .empty,
                detail: null
                    ? "MX \(domain.ascii): null MX, the domain takes no mail (RFC 7505)"
                    : "MX \(domain.ascii): no MX record")
        }
        let own = PublicSuffixList.registeredDomain(of: domain) ?? domain
        if let bestDomain = try? DomainName(best), PublicSuffixList.registeredDomain(of: bestDomain) == own {
            return SourceOutcome(
                status: .skipped,
                detail: "MX \(domain.ascii): \(best) is in \(own.ascii), the domain's own: no hosting provider to recognise")
        }
        let (finding, report) = context.knowledgeBase.finding(for: domain, mxHosts: hosts)
        var detail = "MX \(domain.ascii): \(hosts.joined(separator: ", ")); \(report.detail)"
        var copy = finding
        copy.source = .mx
        if finding.provider != nil {
            return SourceOutcome(status: report.status, detail: detail, finding: copy)
        }

        // No hosting pattern: ask the mail host's own domains.
        let mailHost = hosts.first { context.knowledgeBase.hostingMatch(forMXHost: $0, domain: domain)?.provider.kind != .relay }
        guard let mailHost, let mailHostName = try? DomainName(mailHost) else {
            return SourceOutcome(status: .empty, detail: detail, finding: copy.notes.isEmpty ? nil : copy)
        }
        var tried: [String] = []
        for settingsDomain in PublicSuffixList.settingsDomains(forMailHost: mailHostName) {
            if Task.isCancelled { break }
            let (found, places) = await Self.settings(of: settingsDomain, in: context)
            tried += places
            if var found {
                found.source = .mx
                found.notes = copy.notes + found.notes
                let counts = found.servers.filter { $0.protocol.isIncoming }.count
                detail += "; \(mailHost) is in \(settingsDomain.ascii): \(tried.joined(separator: "; ")) "
                    + "(\(counts) incoming, \(found.servers.count - counts) outgoing)"
                return SourceOutcome(status: .found, detail: detail, finding: found)
            }
        }
        if !tried.isEmpty { detail += "; nothing for \(mailHost): \(tried.joined(separator: "; "))" }
        return SourceOutcome(status: .empty, detail: detail, finding: copy.notes.isEmpty ? nil : copy)
    }

    /// Asks `autoconfig.<domain>` over HTTPS and the ISPDB about `domain` at once. Returns the
    /// finding of the first in that order that has servers, and one short line per place asked.
    static func settings(of domain: DomainName, in context: SourceContext) async -> (SourceFinding?, [String]) {
        let autoconfigURL = "https://autoconfig.\(domain.ascii)/mail/config-v1.1.xml"
        let ispdbURL = ISPDBSource.url(base: context.options.ispdbBaseURL, domain: domain)
        async let autoconfig = fetchConfig(autoconfigURL, context: context)
        async let ispdb = fetchConfig(ispdbURL, context: context)
        let outcomes = await [(autoconfigURL, autoconfig), (ispdbURL, ispdb)]
        let found = outcomes.lazy.compactMap { $0.1.status == .found ? $0.1.finding : nil }.first
        return (found, outcomes.map { "\($0.0): \($0.1.status.rawValue)" })
    }

    /// Fetches and parses one clientConfig document; trusted when it came over HTTPS.
    private static func fetchConfig(_ url: String, context: SourceContext) async -> SourceOutcome {
        do {
            let request = try HTTPRequest(url: url, timeout: context.remaining)
            let response = try await context.http.fetch(request)
            return HTTPOutcome.outcome(forConfig: response, source: .mx, trusted: request.url.isHTTPS)
        } catch {
            return HTTPOutcome.outcome(for: error)
        }
    }
}
