/// The MX-host patterns of every provider, indexed for fast matching.
///
/// Three kinds of pattern: an exact host (`aspmx.l.google.com`), a wildcard that matches any
/// subdomain of a suffix but not the suffix itself (`*.mail.protection.outlook.com`), and a
/// pattern relative to the user's domain (`mail.%EMAILDOMAIN%`).
struct HostingPatterns: Sendable {
    private var exact: [String: (Int, String)] = [:]
    private var wildcard: [String: (Int, String)] = [:]
    private var relative: [(index: Int, pattern: String)] = []

    /// Indexes patterns, each with the position of its provider; the first claim of a pattern wins.
    init(_ patterns: [(pattern: String, position: Int)]) {
        for (pattern, index) in patterns {
            if pattern.contains("%EMAILDOMAIN%") {
                relative.append((index, pattern))
            } else if pattern.hasPrefix("*.") {
                let suffix = String(pattern.dropFirst(2))
                wildcard[suffix] = wildcard[suffix] ?? (index, pattern)
            } else {
                exact[pattern] = exact[pattern] ?? (index, pattern)
            }
        }
    }

    /// The provider index and pattern for a normalised host name.
    func match(host: String, domain: String) -> (Int, String)? {
        if let hit = exact[host] { return hit }
        // Walk the host's proper suffixes, longest first: a.b.c.d → b.c.d → c.d → d.
        var rest = host[...]
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if let hit = wildcard[String(rest)] { return hit }
        }
        for (index, pattern) in relative where Self.host(host, matches: pattern, domain: domain) {
            return (index, pattern)
        }
        return nil
    }

    /// Whether a host matches a pattern with one `%EMAILDOMAIN%`, compared in place:
    /// `mail.%EMAILDOMAIN%` is `mail.` + the domain, `*.%EMAILDOMAIN%` any subdomain of it.
    static func host(_ host: String, matches pattern: String, domain: String) -> Bool {
        let token = "%EMAILDOMAIN%"
        guard let start = pattern.indices.first(where: { pattern[$0...].hasPrefix(token) }) else { return false }
        var prefix = pattern[..<start]
        let suffix = pattern[pattern.index(start, offsetBy: token.count)...]
        let wildcard = prefix.hasPrefix("*.")
        if wildcard { prefix = prefix.dropFirst() }  // keep the dot: "*.x" needs at least one label before ".x"
        let middle = domain + suffix
        guard host.hasSuffix(middle) else { return false }
        let head = host.dropLast(middle.count)
        return wildcard ? head.count > prefix.count && head.hasSuffix(prefix) : head == prefix
    }
}
