import MailSettings

// The `lookup --json` contract as JSON values, keys in the contract's order.

extension LookupResult {
    /// `query`, `provider` (or null), `incoming`, `outgoing`, `notes`, `sources`.
    var json: JSONValue {
        .object([
            ("query", query.json),
            ("provider", provider.map(\.json) ?? .null),
            ("incoming", .array(incoming.map(\.json))),
            ("outgoing", .array(outgoing.map(\.json))),
            ("notes", .array(notes.map(\.json))),
            ("sources", .array(sources.map(\.json))),
        ])
    }
}

extension LookupResult.Query {
    /// `input`, `domain`, `localPart` (null for a domain).
    var json: JSONValue {
        .object([
            ("input", .string(input)),
            ("domain", .string(domain)),
            ("localPart", .optional(localPart)),
        ])
    }
}

extension LookupResult.ProviderSummary {
    /// `id`, `name`.
    var json: JSONValue {
        .object([("id", .string(id)), ("name", .string(name))])
    }
}

extension ServerSettings {
    /// `protocol`, `hostname`, `port`, `security`, `username`, `authentication`.
    var jsonMembers: [(String, JSONValue)] {
        [
            ("protocol", .string(self.protocol.rawValue)),
            ("hostname", .string(hostname)),
            ("port", .int(port)),
            ("security", .string(security.rawValue)),
            ("username", .string(username)),
            ("authentication", .strings(authentication.map(\.rawValue))),
        ]
    }

    var json: JSONValue { .object(jsonMembers) }
}

extension Candidate {
    /// The server's fields, `alternativeUsernames` right after `username` only when there are
    /// any (as ``Candidate``'s `Codable` form), then `sources`, `trusted`, `score`, `reasons`.
    var json: JSONValue {
        var members = settings.jsonMembers
        if !alternativeUsernames.isEmpty, let username = members.firstIndex(where: { $0.0 == "username" }) {
            members.insert(("alternativeUsernames", .strings(alternativeUsernames)), at: username + 1)
        }
        return .object(members + [
            ("sources", .strings(sources.map(\.rawValue))),
            ("trusted", .bool(trusted)),
            ("score", .double(score)),
            ("reasons", .strings(reasons)),
        ] + (probe.map { [("probe", $0.json)] } ?? []))
    }
}

extension ProbeSummary {
    /// `passed`, `verdict`, `detail`, `tlsVersion` (or null), `startTLSOffered`, `authentication`, `ms`.
    var json: JSONValue {
        .object([
            ("passed", .bool(passed)), ("verdict", .string(verdict)), ("detail", .string(detail)),
            ("tlsVersion", .optional(tlsVersion)), ("startTLSOffered", .bool(startTLSOffered)),
            ("authentication", .strings(authentication)), ("ms", .int(ms)),
        ])
    }
}

extension Note {
    /// `id`, `kind`, `text`, and `url` only when there is one.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("kind", .string(kind.rawValue)),
            ("text", .string(text)),
        ]
        if let url { members.append(("url", .string(url))) }
        return .object(members)
    }
}

extension SourceReport {
    /// `id`, `status`, `detail`, `ms`.
    var json: JSONValue {
        .object([
            ("id", .string(id.rawValue)),
            ("status", .string(status.rawValue)),
            ("detail", .string(detail)),
            ("ms", .int(ms)),
        ])
    }
}
