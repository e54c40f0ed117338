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
        for (index, pattern) in relative {
            let concrete = pattern.replacing("%EMAILDOMAIN%", with: domain)
            if concrete.hasPrefix("*.") {
                if host.hasSuffix(concrete.dropFirst()) { return (index, pattern) }
            } else if concrete == host {
                return (index, pattern)
            }
        }
        return nil
    }
}
