/// A score with two decimals, as people read it: "0.90", "1.00", "0.05".
enum ScoreText {
    static func format(_ score: Double) -> String {
        guard score.isFinite else { return String(describing: score) }
        let hundredths = (abs(score) * 100).rounded(.toNearestOrAwayFromZero)
        guard hundredths < 1e15 else { return String(describing: score) }
        let whole = Int(hundredths)
        let fraction = whole % 100
        let sign = score < 0 && whole != 0 ? "-" : ""
        return "\(sign)\(whole / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
