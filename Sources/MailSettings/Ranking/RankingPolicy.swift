/// The weights behind a candidate's score: what each principle of the ranking is worth.
///
/// The defaults follow the design's principles: trusted sources over untrusted ones, agreement
/// between sources raises confidence, implicit TLS over STARTTLS over plain (RFC 8314), the
/// provider's own order breaks ties, and the asked incoming protocol comes first.
public struct RankingPolicy: Sendable, Hashable {
    /// The incoming protocol to put first.
    public var preferredIncoming: MailProtocol
    /// Starting score of a server offered by a trusted source, by the source's confidence.
    public var trustedBase: [Provider.Confidence: Double] = [.high: 0.80, .medium: 0.70, .low: 0.45]
    /// Starting score of a server offered only by untrusted sources, by confidence.
    public var untrustedBase: [Provider.Confidence: Double] = [.high: 0.50, .medium: 0.40, .low: 0.30]
    /// Added for each further independent source that offers the same server.
    public var agreementBonus = 0.05
    /// The most the agreement of sources can add.
    public var maximumAgreementBonus = 0.10
    /// Added (or taken away) by connection security.
    public var securityAdjustment: [ConnectionSecurity: Double] = [.tls: 0.10, .starttls: 0.07, .plain: -0.20]
    /// Added when the incoming protocol is the preferred one.
    public var preferenceBonus = 0.06
    /// Taken away per position in the source's own order.
    public var orderPenalty = 0.01
    /// The most the source's order can take away.
    public var maximumOrderPenalty = 0.05
    /// Breaks exact ties between sources, first wins: which source's user name a merged candidate
    /// keeps when two sources start equally high, the order of `sources`, and which of two
    /// candidates with the same score comes first. A fixed order, so the result never depends on
    /// the order findings arrive in. The domain's own files come first, then our curated base.
    /// Sources not listed follow, by id.
    public var sourceOrder: [SourceID] = Self.defaultSourceOrder

    /// The default ``sourceOrder``.
    public static let defaultSourceOrder: [SourceID] = [
        .autoconfigHTTPS, .wellKnownHTTPS, .bundled, .ispdb, .srv, .autodiscover, .mx,
        .autoconfigHTTP, .wellKnownHTTP, .guess,
    ]

    /// A policy that puts `preferredIncoming` first.
    public init(preferredIncoming: MailProtocol = .pop3) {
        self.preferredIncoming = preferredIncoming
    }

    /// Whether `lhs` comes before `rhs` in ``sourceOrder`` (unlisted sources last, by id).
    func precedes(_ lhs: SourceID, _ rhs: SourceID) -> Bool {
        Self.precedes(lhs, rhs, in: sourceOrder)
    }

    static func precedes(_ lhs: SourceID, _ rhs: SourceID, in order: [SourceID]) -> Bool {
        let left = order.firstIndex(of: lhs) ?? order.count
        let right = order.firstIndex(of: rhs) ?? order.count
        return left != right ? left < right : lhs < rhs
    }
}
