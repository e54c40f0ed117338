/// When a resolution may answer before every source has finished.
///
/// Some sources are slow and rarely decisive (plain-HTTP autoconfig, Autodiscover with its
/// redirects). ``whenTrustedSourcesAgree`` answers once the decisive ones — the bundled knowledge
/// base, the domain's autoconfig over HTTPS, the ISPDB, SRV and MX — have all finished, trusted
/// findings cover incoming and outgoing mail, and no two trusted findings contradict each other;
/// the sources still running are then given up and reported as skipped. ``waitForAll`` waits for
/// every source or the deadline.
///
/// ```swift
/// var options = ResolverOptions()
/// options.earlyAnswer = .whenTrustedSourcesAgree
/// ```
public struct EarlyAnswerPolicy: Sendable, Hashable {
    /// The sources that must have finished before an early answer; `nil` waits for all of them.
    public var decisiveSources: Set<SourceID>?

    /// A policy that answers once `decisiveSources` have finished and the trusted findings agree.
    public init(decisiveSources: Set<SourceID>?) {
        self.decisiveSources = decisiveSources
    }

    /// Wait for every source, or the deadline.
    public static let waitForAll = EarlyAnswerPolicy(decisiveSources: nil)

    /// Answer once the bundled base, autoconfig and `.well-known` over HTTPS, the ISPDB, SRV and
    /// MX have finished and their trusted findings agree (the command line's default).
    public static let whenTrustedSourcesAgree = EarlyAnswerPolicy(
        decisiveSources: [.bundled, .autoconfigHTTPS, .wellKnownHTTPS, .ispdb, .srv, .mx])

    /// Whether the resolution may answer now.
    ///
    /// - Parameters:
    ///   - pending: the sources still running.
    ///   - findings: what the finished sources found, placeholders as written.
    ///   - query: the address or domain asked about, to fill in the placeholders before hosts are compared.
    /// - Returns: true when nothing is pending; otherwise true only when no decisive source is
    ///   pending, the trusted findings offer both incoming and outgoing servers, and they agree
    ///   (``trustedFindingsAgree(_:)``).
    public func allowsAnswer(pending: Set<SourceID>, findings: [SourceFinding], for query: MailQuery) -> Bool {
        if pending.isEmpty { return true }
        guard let decisiveSources, pending.isDisjoint(with: decisiveSources) else { return false }
        let trusted = findings.filter { $0.trusted && !$0.servers.isEmpty }.map { finding in
            var finding = finding
            finding.servers = finding.servers.map { LookupAssembler.expand($0, for: query) }
            return finding
        }
        let servers = trusted.flatMap(\.servers)
        guard servers.contains(where: { $0.protocol.isIncoming }), servers.contains(where: { !$0.protocol.isIncoming })
        else { return false }
        return Self.trustedFindingsAgree(trusted)
    }

    /// Whether trusted findings agree: for incoming and for outgoing mail alike, every two trusted
    /// sources that offer servers of that direction have a host name in common — the opposite of
    /// the `sources-disagree` note (``NoteRules/sourcesDisagree(_:domain:order:)``). Untrusted
    /// findings are left out: they may differ without stopping an answer. Fill in placeholders first.
    public static func trustedFindingsAgree(_ findings: [SourceFinding]) -> Bool {
        NoteRules.sourcesDisagree(findings, domain: "") == nil
    }
}
