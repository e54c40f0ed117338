import MailSettings

/// The domain's MX records matched against the knowledge base's hosting patterns: a domain
/// whose mail goes to `aspmx.l.google.com` is on Google Workspace, one whose mail goes to
/// `*.mail.protection.outlook.com` is on Microsoft 365.
///
/// The MX hosts are sorted by preference (lowest first, then by name) and handed to
/// ``KnowledgeBase/finding(for:mxHosts:)``, which skips filtering relays and returns the first
/// hosting provider; the finding is reported as this source's (`mx`).
///
/// Skipped, without a query, when the domain itself is in the knowledge base (the `bundled`
/// source answers for it); skipped after the query when the best MX host's registered domain
/// is the user's own (the domain runs its own mail: the hosting patterns have nothing to say).
/// A null MX (RFC 7505) is reported as empty.
///
/// Not done yet (later): asking `autoconfig-https` and the ISPDB for the MX host's next
/// subdomain and its registered domain.
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
        let detail = "MX \(domain.ascii): \(hosts.joined(separator: ", ")); \(report.detail)"
        var copy = finding
        copy.source = .mx
        guard finding.provider != nil else {
            return SourceOutcome(status: .empty, detail: detail, finding: copy.notes.isEmpty ? nil : copy)
        }
        return SourceOutcome(status: report.status, detail: detail, finding: copy)
    }
}
