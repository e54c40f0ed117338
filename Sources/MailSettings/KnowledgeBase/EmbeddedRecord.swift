/// Reads the embedded knowledge base written by `Scripts/generate-knowledge-base.py`.
///
/// A provider record is one `key<TAB>value` line per fact: `id`, `name`, `kind`, `origin`,
/// `confidence`, and optionally `confidenceReason`, `lastReviewed`, `help`; the lists `ispdb`,
/// `domains` and `mxPatterns` as space-separated values; one `incoming` or `outgoing` line per
/// server (`protocol host port security username auth1,auth2`) and one `note` line per note
/// (`id [url]`). The generator checks that no value holds a tab, a line break, or a space
/// where a list needs it, so reading it needs no escaping rules.
///
/// The index is read once per process before the first answer, so everything here scans UTF-8
/// bytes: going through Characters would pay for grapheme breaking on every byte.
enum EmbeddedRecord {
    /// A record the generator cannot have written: the embedded file was edited by hand.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// The index: provider ids, domains and MX patterns, each with a provider's position.
    struct Index {
        var ids: [String: Int] = [:]
        var domains: [String: Int] = [:]
        var mxPatterns: [(pattern: String, position: Int)] = []
    }

    typealias Field = Slice<UnsafeBufferPointer<UInt8>>

    /// Parses `p|d|m<TAB>value<TAB>position` lines.
    static func index(_ text: String) throws(Malformed) -> Index {
        var index = Index()
        index.domains.reserveCapacity(1_024)
        index.ids.reserveCapacity(256)
        let bad = forEachLine(of: text) { fields in
            guard fields.count == 3, fields[0].count == 1, let position = integer(fields[2]) else { return false }
            let value = string(fields[1])
            switch fields[0].first {
            case UInt8(ascii: "p"): index.ids[value] = position
            case UInt8(ascii: "d"): index.domains[value] = index.domains[value] ?? position
            case UInt8(ascii: "m"): index.mxPatterns.append((value, position))
            default: return false
            }
            return true
        }
        if let bad { throw Malformed(description: "bad index line \(bad)") }
        return index
    }

    /// Parses `id<TAB>kind<TAB>English<TAB>Spanish` lines.
    static func notes(_ text: String) throws(Malformed) -> NoteCatalog {
        var entries: [String: NoteCatalog.Entry] = [:]
        let bad = forEachLine(of: text) { fields in
            guard fields.count == 4, let kind = Note.Kind(rawValue: string(fields[1])) else { return false }
            entries[string(fields[0])] = NoteCatalog.Entry(kind: kind, en: string(fields[2]), es: string(fields[3]))
            return true
        }
        if let bad { throw Malformed(description: "bad note line \(bad)") }
        return NoteCatalog(entries: entries)
    }

    /// Parses one provider record.
    static func provider(_ record: String) throws(Malformed) -> Provider {
        var fields: [String: String] = [:]
        var servers: [(direction: String, line: String)] = []
        var notes: [Provider.NoteReference] = []
        let bad = forEachLine(of: record) { line in
            guard line.count == 2 else { return false }
            let key = string(line[0])
            let value = string(line[1])
            switch key {
            case "incoming", "outgoing":
                servers.append((key, value))
            case "note":
                let parts = value.split(separator: " ", maxSplits: 1)
                notes.append(Provider.NoteReference(id: String(parts[0]), url: parts.count > 1 ? String(parts[1]) : nil))
            default:
                fields[key] = value
            }
            return true
        }
        if let bad { throw Malformed(description: "bad record line \(bad)") }
        func required(_ key: String) throws(Malformed) -> String {
            guard let value = fields[key] else { throw Malformed(description: "no \(key) in a record") }
            return value
        }
        func words(_ key: String) -> [String] {
            fields[key].map { $0.split(separator: " ").map(String.init) } ?? []
        }
        let id = try required("id")
        guard let kind = Provider.Kind(rawValue: try required("kind")),
              let origin = Provider.Origin(rawValue: try required("origin")),
              let confidence = Provider.Confidence(rawValue: try required("confidence"))
        else { throw Malformed(description: "\(id): unknown kind, origin or confidence") }
        var incoming: [ServerSettings] = []
        var outgoing: [ServerSettings] = []
        for (direction, line) in servers {
            let settings = try server(line)
            if direction == "incoming" { incoming.append(settings) } else { outgoing.append(settings) }
        }
        return Provider(
            id: id,
            name: try required("name"),
            kind: kind,
            origin: origin,
            ispdb: words("ispdb"),
            lastReviewed: fields["lastReviewed"],
            confidence: confidence,
            confidenceReason: fields["confidenceReason"],
            domains: words("domains"),
            mxPatterns: words("mxPatterns"),
            incoming: incoming,
            outgoing: outgoing,
            notes: notes,
            help: fields["help"]
        )
    }

    /// Parses `protocol host port security username auth1,auth2`.
    static func server(_ line: String) throws(Malformed) -> ServerSettings {
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

    // MARK: Bytes

    /// Calls `body` with the tab-separated fields of every non-empty line of `text`, until it
    /// returns false; returns that line, or nil when every line was accepted.
    private static func forEachLine(of text: String, _ body: ([Field]) -> Bool) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var fields: [Field] = []
            fields.reserveCapacity(4)
            var lineStart = 0
            var fieldStart = 0
            for position in 0...bytes.count {
                let byte = position == bytes.count ? UInt8(ascii: "\n") : bytes[position]
                guard byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") else { continue }
                fields.append(bytes[fieldStart..<position])
                fieldStart = position + 1
                guard byte == UInt8(ascii: "\n") else { continue }
                if position > lineStart, !body(fields) {
                    return string(bytes[lineStart..<position])
                }
                fields.removeAll(keepingCapacity: true)
                lineStart = position + 1
            }
            return nil
        }
    }

    private static func string(_ field: Field) -> String {
        String(decoding: field, as: UTF8.self)
    }

    /// A non-negative decimal number written in ASCII digits.
    private static func integer(_ digits: Field) -> Int? {
        guard !digits.isEmpty, digits.count < 10 else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
