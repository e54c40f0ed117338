import MailSettings

/// The readable form of a lookup result: a ranked table per direction, the notes, the sources.
struct HumanRenderer {
    var language: Language
    var width: Int

    func render(_ result: LookupResult, query: MailQuery, preferred: MailProtocol) -> String {
        let text = HumanText(language: language)
        var output = query.address?.unicode ?? query.domain.unicode
        if let provider = result.provider { output += " · \(provider.name)" }
        output += "\n\n"

        output += text.incomingHeading(preferred: preferred) + "\n"
        output += table(result.incoming, text: text)
        output += "\n" + text.outgoingHeading + "\n"
        output += table(result.outgoing, text: text)

        for kind in Note.Kind.allCases {
            let notes = result.notes.filter { $0.kind == kind }
            guard !notes.isEmpty else { continue }
            output += "\n" + text.heading(for: kind) + "\n"
            for note in notes {
                output += wrap(note.text, firstPrefix: "  \(text.bullet(for: kind)) ", prefix: "    ")
                if let url = note.url { output += "    \(url)\n" }
            }
        }

        output += "\n" + text.sourcesHeading + "\n"
        let rows = result.sources.map { [$0.id.rawValue, text.status($0.status), "\($0.ms) ms", $0.detail] }
        output += TextTable.render(header: [], rows: rows, indent: "  ", rightAligned: [2])
        return output
    }

    private func table(_ candidates: [Candidate], text: HumanText) -> String {
        guard !candidates.isEmpty else { return "  " + text.noneFound + "\n" }
        let probed = candidates.contains { $0.probe != nil }
        let rows = candidates.enumerated().map { index, candidate in
            let settings = candidate.settings
            var row = [
                "\(index + 1)",
                settings.protocol.displayName,
                settings.hostname,
                "\(settings.port)",
                text.security(settings.security),
                text.username(settings.username),
                ScoreText.format(candidate.score),
            ]
            if probed { row.append(candidate.probe.map(probeText) ?? "–") }
            return row
        }
        let header = ["#"] + text.columns + (probed ? [language == .spanish ? "SONDA" : "PROBE"] : [])
        var output = TextTable.render(header: header, rows: rows, indent: "  ", rightAligned: [0, 3, 6])
        output += alternativeUsernames(candidates, text: text)
        return output
    }

    /// A probe in a few words: `✓ 12 ms TLSv1.3` or `✗ connection-refused`.
    private func probeText(_ probe: ProbeSummary) -> String {
        probe.passed ? "✓ \(probe.ms) ms" + (probe.tlsVersion.map { " \($0)" } ?? "") : "✗ \(probe.verdict)"
    }

    /// One line per distinct user name with alternatives, such as "If the server refuses
    /// alice@example.com as the user name, try alice.", led by the rows it is about unless it
    /// is about every row.
    private func alternativeUsernames(_ candidates: [Candidate], text: HumanText) -> String {
        var groups: [(username: String, alternatives: [String], rows: [Int])] = []
        for (index, candidate) in candidates.enumerated() where !candidate.alternativeUsernames.isEmpty {
            let username = candidate.settings.username
            if let group = groups.firstIndex(where: { $0.username == username && $0.alternatives == candidate.alternativeUsernames }) {
                groups[group].rows.append(index + 1)
            } else {
                groups.append((username, candidate.alternativeUsernames, [index + 1]))
            }
        }
        return groups.map { group in
            var line = text.alternativeUsernames(group.username, alternatives: group.alternatives)
            if group.rows.count < candidates.count {
                line = group.rows.map { "#\($0)" }.joined(separator: ", ") + ": " + line
            }
            return wrap(line, firstPrefix: "  ", prefix: "    ")
        }.joined()
    }

    /// Wraps text at word boundaries to the terminal width.
    private func wrap(_ text: String, firstPrefix: String, prefix: String) -> String {
        var lines: [String] = []
        var line = firstPrefix
        var lineHasWord = false
        for word in text.split(separator: " ") {
            if lineHasWord, line.count + 1 + word.count > width {
                lines.append(line)
                line = prefix
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }
}
