import MailSettings

extension Provider {
    /// One provider as `providers --json` lists it: `id`, `name`, `kind`, `origin`, `confidence`,
    /// `lastReviewed` (when present), `domains`, `mxPatterns`, `incoming`, `outgoing`, `notes`
    /// (their ids), `help` (when present).
    var listingJSON: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("name", .string(name)),
            ("kind", .string(kind.rawValue)),
            ("origin", .string(origin.rawValue)),
            ("confidence", .string(confidence.rawValue)),
        ]
        if let lastReviewed { members.append(("lastReviewed", .string(lastReviewed))) }
        members += [
            ("domains", .strings(domains)),
            ("mxPatterns", .strings(mxPatterns)),
            ("incoming", .array(incoming.map(\.json))),
            ("outgoing", .array(outgoing.map(\.json))),
            ("notes", .strings(notes.map(\.id))),
        ]
        if let help { members.append(("help", .string(help))) }
        return .object(members)
    }
}
