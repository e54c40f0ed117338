/// Merges the servers of every source into ranked candidates, and explains each score.
///
/// Pure and deterministic: the same findings and policy always give the same list, whatever the
/// order the findings come in (exact ties are broken by ``RankingPolicy/sourceOrder``, then by
/// the source's own order, then by protocol, host, port and security).
///
/// When trusted sources name servers with no host in common (``NoteRules/sourcesDisagree(_:domain:order:)``
/// writes the `sources-disagree` note for it), the scores are left as they are: each side
/// already misses the agreement bonus the other side would have given it, and a penalty on
/// both sides would only lift untrusted or uncertain servers above them without telling which
/// side is right. The note tells the person instead.
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
    /// best source that offered it; sources are listed best first. User names the other sources
    /// give for the same server (the full address where the best source says the local part, or
    /// the other way round) become the candidate's ``Candidate/alternativeUsernames``.
    public static func rank(_ findings: [SourceFinding], policy: RankingPolicy, language: Language) -> Ranked {
        var merged: [ServerSettings.Identity: [Offer]] = [:]
        for finding in findings {
            var positions: [Bool: Int] = [:]  // position within incoming / outgoing of this source
            for server in finding.servers {
                let direction = server.protocol.isIncoming
                let position = positions[direction, default: 0]
                positions[direction] = position + 1
                let offer = Offer(finding: finding, server: server, position: position, policy: policy)
                merged[offer.server.identity, default: []].append(offer)
            }
        }
        let ranked = merged.values.map { Merge(offers: $0, policy: policy) }
        let sorted = ranked.sorted { lhs, rhs in
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            if lhs.best.source != rhs.best.source { return policy.precedes(lhs.best.source, rhs.best.source) }
            if lhs.position != rhs.position { return lhs.position < rhs.position }
            return lhs.best.server.identity.sortKey < rhs.best.server.identity.sortKey
        }.map { $0.candidate(language: language) }
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

    /// Every offer of one server, merged and scored.
    private struct Merge {
        /// One offer per source, best first.
        var offers: [Offer]
        var best: Offer { offers[0] }
        /// The best place any source gave the server in its own order.
        var position: Int
        var score: Double
        var reasons: [RankingReason]
        var alternativeUsernames: [String]

        init(offers all: [Offer], policy: RankingPolicy) {
            // One offer per source: the one starting highest, then the earliest in its order.
            var bySource: [SourceID: Offer] = [:]
            for offer in all {
                if let kept = bySource[offer.source],
                    kept.base > offer.base || (kept.base == offer.base && kept.position <= offer.position)
                {
                    continue
                }
                bySource[offer.source] = offer
            }
            offers = bySource.values.sorted { lhs, rhs in
                lhs.base != rhs.base ? lhs.base > rhs.base : policy.precedes(lhs.source, rhs.source)
            }
            let best = offers[0]
            let ids = offers.map(\.source)
            let settings = best.server

            var reasons: [RankingReason] = [.foundBy(count: ids.count, sources: ids)]
            var score = best.base
            score += min(Double(ids.count - 1) * policy.agreementBonus, policy.maximumAgreementBonus)
            if !offers.contains(where: \.trusted) {
                reasons.append(.untrusted(Set(offers.map { UntrustedKind($0.source) })))
            }
            if best.confidence != .high { reasons.append(.unconfirmed(best.confidence)) }
            score += policy.securityAdjustment[settings.security] ?? 0
            reasons.append(.security(settings.security))
            if settings.protocol.isIncoming, settings.protocol == policy.preferredIncoming {
                score += policy.preferenceBonus
                reasons.append(.preferred(settings.protocol))
            }
            position = offers.map(\.position).min() ?? 0
            score -= min(Double(position) * policy.orderPenalty, policy.maximumOrderPenalty)
            reasons.append(.position(position))

            var alternatives: [String] = []
            for offer in offers.dropFirst() {
                let username = offer.server.username
                guard !username.isEmpty, username != settings.username, !alternatives.contains(username) else { continue }
                alternatives.append(username)
            }
            if !alternatives.isEmpty {
                reasons.append(.usernameAlternatives(from: best.source, alternatives: alternatives))
            }
            alternativeUsernames = alternatives
            self.score = (min(max(score, 0), 1) * 100).rounded() / 100
            self.reasons = reasons
        }

        func candidate(language: Language) -> Candidate {
            Candidate(
                settings: best.server,
                sources: offers.map(\.source),
                trusted: offers.contains(where: \.trusted),
                score: score,
                reasons: reasons.map { $0.text(in: language) },
                alternativeUsernames: alternativeUsernames
            )
        }
    }
}

extension ServerSettings.Identity {
    /// A total order for the last tie-break: protocol, host, port, security.
    fileprivate var sortKey: SortKey {
        SortKey(protocol: self.protocol.rawValue, hostname: hostname, port: port, security: security.rawValue)
    }

    fileprivate struct SortKey: Comparable {
        var `protocol`: String
        var hostname: String
        var port: Int
        var security: String

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            (lhs.protocol, lhs.hostname, lhs.port, lhs.security) < (rhs.protocol, rhs.hostname, rhs.port, rhs.security)
        }
    }
}
