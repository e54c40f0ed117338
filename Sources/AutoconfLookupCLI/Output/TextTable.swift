/// Text columns separated by two spaces: left-aligned, or right-aligned for the columns asked.
enum TextTable {
    /// Renders a header (may be empty) and rows; every line ends with a newline, trailing blanks trimmed.
    static func render(header: [String], rows: [[String]], indent: String = "", rightAligned: Set<Int> = []) -> String {
        let all = header.isEmpty ? rows : [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        var output = ""
        for row in all {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }
            var line = indent + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            output += line + "\n"
        }
        return output
    }
}
