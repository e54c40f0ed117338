/// The width to wrap human output at: `COLUMNS` when set and sensible, else 80.
enum TerminalWidth {
    static func current(_ environment: [String: String]) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text), (40...400).contains(columns) {
            return columns
        }
        return 80
    }
}
