/// Reads the embedded knowledge base written by `Scripts/generate-knowledge-base.py`.
///
/// A provider record is one `key<TAB>value` line per fact: `id`, `name`, `kind`, `origin`,
/// `confidence`, and optionally `confidenceReason`, `lastReviewed`, `help`; the lists `ispdb`,
/// `domains` and `mxPatterns` as space-separated values; one `incoming` or `outgoing` line per
/// server (`protocol host port security username auth1,auth2`) and one `note` line per note
/// (`id [url]`). The generator checks that no value holds a tab, a line break, or a space
/// where a list needs it, so reading it needs no escaping rules.
enum EmbeddedRecord {
    /// A record the generator cannot have written: the embedded file was edited by hand.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses one provider record.
    static func provider(_ record: String) throws(Malformed) -> Provider {
        var fields: [Substring: Substring] = [:]
        var lists: [Substring: [Substring]] = [:]
        for line in record.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let tab = line.firstIndex(of: "\t") else { throw Malformed(description: "no tab in \(line)") }
            let key = line[..<tab]
            let value = line[line.index(after: tab)...]
            switch key {
            case "incoming", "outgoing", "note": lists[key, default: []].append(value)
            default: fields[key] = value
            }
        }
        func required(_ key: Substring) throws(Malformed) -> String {
            guard let value = fields[key] else { throw Malformed(description: "no \(key) in a record") }
            return String(value)
        }
        func words(_ key: Substring) -> [String] {
            fields[key].map { $0.split(separator: " ").map(String.init) } ?? []
        }
        let id = try required("id")
        guard let kind = Provider.Kind(rawValue: try required("kind")),
              let origin = Provider.Origin(rawValue: try required("origin")),
              let confidence = Provider.Confidence(rawValue: try required("confidence"))
        else { throw Malformed(description: "\(id): unknown kind, origin or confidence") }
        var incoming: [ServerSettings] = []
        for line in lists["incoming"] ?? [] { incoming.append(try server(line)) }
        var outgoing: [ServerSettings] = []
        for line in lists["outgoing"] ?? [] { outgoing.append(try server(line)) }
        let notes = (lists["note"] ?? []).map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            return Provider.NoteReference(id: String(parts[0]), url: parts.count > 1 ? String(parts[1]) : nil)
        }
        return Provider(
            id: id,
            name: try required("name"),
            kind: kind,
            origin: origin,
            ispdb: words("ispdb"),
            lastReviewed: fields["lastReviewed"].map(String.init),
            confidence: confidence,
            confidenceReason: fields["confidenceReason"].map(String.init),
            domains: words("domains"),
            mxPatterns: words("mxPatterns"),
            incoming: incoming,
            outgoing: outgoing,
            notes: notes,
            help: fields["help"].map(String.init)
        )
    }

    /// Parses `protocol host port security username auth1,auth2`.
    static func server(_ line: Substring) throws(Malformed) -> ServerSettings {
        let parts = line.split(separator: " ")
        guard parts.count == 6,
              let proto = MailProtocol(rawValue: String(parts[0])),
              let port = Int(parts[2]),
              let security = ConnectionSecurity(rawValue: String(parts[3]))
        else { throw Malformed(description: "bad server line \(line)") }
        return ServerSettings(
            protocol: proto,
            hostname: String(parts[1]),
            port: port,
            security: security,
            username: String(parts[4]),
            authentication: parts[5].split(separator: ",").map { AuthenticationMethod(rawValue: String($0)) }
        )
    }

    /// The index: provider ids, domains and MX patterns, each with a provider's position.
    struct Index {
        var ids: [String: Int] = [:]
        var domains: [String: Int] = [:]
        var mxPatterns: [(pattern: String, position: Int)] = []
    }

    /// Parses `p|d|m<TAB>value<TAB>position` lines.
    static func index(_ text: String) throws(Malformed) -> Index {
        var index = Index()
        index.domains.reserveCapacity(1_024)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 3, let position = Int(parts[2]) else {
                throw Malformed(description: "bad index line \(line)")
            }
            let value = String(parts[1])
            switch parts[0] {
            case "p": index.ids[value] = position
            case "d": index.domains[value] = index.domains[value] ?? position
            case "m": index.mxPatterns.append((value, position))
            default: throw Malformed(description: "bad index line \(line)")
            }
        }
        return index
    }

    /// Parses `id<TAB>kind<TAB>English<TAB>Spanish` lines.
    static func notes(_ text: String) throws(Malformed) -> NoteCatalog {
        var entries: [String: NoteCatalog.Entry] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 4, let kind = Note.Kind(rawValue: String(parts[1])) else {
                throw Malformed(description: "bad note line \(line)")
            }
            entries[String(parts[0])] = NoteCatalog.Entry(kind: kind, en: String(parts[2]), es: String(parts[3]))
        }
        return NoteCatalog(entries: entries)
    }
}
