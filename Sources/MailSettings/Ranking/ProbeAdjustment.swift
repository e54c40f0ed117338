/// Folds what probes showed into a ranked result: each probed candidate carries its
/// ``ProbeSummary``, one that answered gains a little, one that did not sinks below every one that
/// did, and each says why. Pure: the same result and probes give the same answer.
public enum ProbeAdjustment {
    /// What a probe adds to or takes from a score.
    public static let passedBonus = 0.05
    /// What a failed probe takes from a score.
    public static let failedPenalty = 0.30

    /// `result` with the probes of its candidates applied, re-sorted best first (stable).
    public static func apply(
        _ probes: [ServerSettings.Identity: ProbeSummary], to result: LookupResult, language: Language
    ) -> LookupResult {
        var result = result
        result.incoming = adjust(result.incoming, probes, language)
        result.outgoing = adjust(result.outgoing, probes, language)
        return result
    }

    private static func adjust(_ candidates: [Candidate], _ probes: [ServerSettings.Identity: ProbeSummary], _ language: Language) -> [Candidate] {
        let adjusted = candidates.map { candidate -> Candidate in
            guard let probe = probes[candidate.settings.identity] else { return candidate }
            var candidate = candidate
            candidate.probe = probe
            let change = probe.passed ? passedBonus : -failedPenalty
            candidate.score = ((min(max(candidate.score + change, 0), 1)) * 100).rounded() / 100
            candidate.reasons.append(reason(probe, language))
            return candidate
        }
        // Answered first, then not probed, then failed; by score within each; stable otherwise.
        func rank(_ candidate: Candidate) -> Int {
            guard let probe = candidate.probe else { return 1 }
            return probe.passed ? 0 : 2
        }
        return adjusted.enumerated().sorted { lhs, rhs in
            let (left, right) = (rank(lhs.element), rank(rhs.element))
            if left != right { return left < right }
            if lhs.element.score != rhs.element.score { return lhs.element.score > rhs.element.score }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    private static func reason(_ probe: ProbeSummary, _ language: Language) -> String {
        let es = language == .spanish
        if probe.passed {
            let tls = probe.tlsVersion.map { ", \($0)" } ?? ""
            return es ? "la sonda confirmó que responde (\(probe.ms) ms\(tls))" : "confirmed by a probe (\(probe.ms) ms\(tls))"
        }
        return es ? "la sonda falló: \(probe.verdict)" : "failed the probe: \(probe.verdict)"
    }
}
