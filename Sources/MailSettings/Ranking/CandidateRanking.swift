/// Merges the servers of every source into ranked candidates, and explains each score.
///
/// Pure and deterministic: the same findings and policy always give the same list.
public enum CandidateRanking {
    /// Ranked incoming (POP3, IMAP) and outgoing (SMTP) candidates.
    public struct Ranked: Sendable, Hashable {
        /// POP3 and IMAP candidates, best first.
        public var incoming: [Candidate]
        /// SMTP candidates, best first.
        public var outgoing: [Candidate]
    }

    /// Merges servers offered by several sources (same protocol, host, port and security are one
    /// candidate), scores them with `policy` and sorts them best first.
    ///
    /// The settings kept for a merged candidate (user name, authentication) come from the
    /// best source that offered it; sources are listed best first.
    public static func rank(_ findings: [SourceFinding], policy: RankingPolicy, language: Language) -> Ranked {
        var merged: [ServerSettings.Identity: Merge] = [:]
        var firstSeen: [ServerSettings.Identity] = []
        for finding in findings {
            var positions: [Bool: Int] = [:]  // position within incoming / outgoing of this source
            for server in finding.servers {
                let direction = server.protocol.isIncoming
                let position = positions[direction, default: 0]
                positions[direction] = position + 1
                let offer = Offer(finding: finding, server: server, position: position, policy: policy)
                let key = offer.server.identity
                if merged[key] == nil {
                    firstSeen.append(key)
                    merged[key] = Merge(best: offer, sources: [])
                }
                merged[key]!.add(offer)
            }
        }
        let candidates = firstSeen.enumerated().map { order, key in
            (order, merged[key]!.candidate(policy: policy, language: language))
        }
        let sorted = candidates.sorted { lhs, rhs in
            lhs.1.score != rhs.1.score ? lhs.1.score > rhs.1.score : lhs.0 < rhs.0
        }.map(\.1)
        return Ranked(
            incoming: sorted.filter { $0.settings.protocol.isIncoming },
            outgoing: sorted.filter { !$0.settings.protocol.isIncoming }
        )
    }

    /// One source's offer of one server.
    private struct Offer {
        var server: ServerSettings
        var source: SourceID
        var trusted: Bool
        var confidence: Provider.Confidence
        var position: Int
        var base: Double

        init(finding: SourceFinding, server: ServerSettings, position: Int, policy: RankingPolicy) {
            var server = server
            server.hostname = server.hostname.lowercased()
            self.server = server
            source = finding.source
            trusted = finding.trusted
            confidence = finding.confidence
            self.position = position
            let table = finding.trusted ? policy.trustedBase : policy.untrustedBase
            base = table[finding.confidence] ?? 0.3
        }
    }

    /// Every offer of one server, merged.
    private struct Merge {
        var best: Offer
        var sources: [Offer]

        mutating func add(_ offer: Offer) {
            if offer.base > best.base { best = offer }
            if !sources.contains(where: { $0.source == offer.source }) { sources.append(offer) }
        }

        func candidate(policy: RankingPolicy, language: Language) -> Candidate {
            let ordered = sources.sorted { $0.base > $1.base }
            let ids = ordered.map(\.source)
            let trusted = sources.contains(where: \.trusted)
            let settings = best.server
            var reasons: [RankingReason] = [.foundBy(count: ids.count, sources: ids)]
            var score = best.base
            score += min(Double(ids.count - 1) * policy.agreementBonus, policy.maximumAgreementBonus)
            if !trusted { reasons.append(.untrusted) }
            if best.confidence != .high { reasons.append(.unconfirmed(best.confidence)) }
            score += policy.securityAdjustment[settings.security] ?? 0
            reasons.append(.security(settings.security))
            if settings.protocol.isIncoming, settings.protocol == policy.preferredIncoming {
                score += policy.preferenceBonus
                reasons.append(.preferred(settings.protocol))
            }
            let position = sources.map(\.position).min() ?? 0
            score -= min(Double(position) * policy.orderPenalty, policy.maximumOrderPenalty)
            reasons.append(.position(position))
            score = (min(max(score, 0), 1) * 100).rounded() / 100
            return Candidate(
                settings: settings,
                sources: ids,
                trusted: trusted,
                score: score,
                reasons: reasons.map { $0.text(in: language) }
            )
        }
    }
}
