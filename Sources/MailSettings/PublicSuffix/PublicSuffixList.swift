/// The Public Suffix List (https://publicsuffix.org), bundled: which part of a domain name is a
/// public suffix (`com`, `co.uk`, `github.io`) and which is the registered domain, the public
/// suffix plus one label (`google.com` for `alt1.aspmx.l.google.com`).
///
/// The rules come from Debian's copy of the list (ICANN and private sections alike), embedded
/// by `Scripts/generate-public-suffixes.py` in `EmbeddedPublicSuffixes.swift`, and are read
/// into hash sets on first use. The algorithm is the list's own: the matching exception rule
/// prevails, otherwise the matching rule with the most labels; a wildcard `*.x` matches one
/// label before `x`; when no rule matches, the default rule `*` makes the last label the
/// public suffix.
public enum PublicSuffixList {
    /// The public suffix of `domain`, in ASCII form: `co.uk` for `www.example.co.uk`, `com`
    /// for `example.com`, the whole name for a name that is itself a public suffix, the last
    /// label for a top-level domain the list does not know.
    public static func publicSuffix(of domain: DomainName) -> String {
        bundled.publicSuffix(ofASCII: domain.ascii)
    }

    /// The registered domain of `domain` (the public suffix and one more label, "eTLD+1"):
    /// `example.co.uk` for `www.example.co.uk`, `google.com` for `alt1.aspmx.l.google.com`.
    /// Nil when `domain` is itself a public suffix, such as `co.uk` or `github.io`.
    public static func registeredDomain(of domain: DomainName) -> DomainName? {
        guard let ascii = bundled.registeredDomain(ofASCII: domain.ascii) else { return nil }
        if ascii.utf8.count == domain.ascii.utf8.count { return domain }
        // A suffix of a valid name is valid, except in one odd case the validation refuses
        // (every label a number, like `1.2`): such a name has no registered domain to offer.
        return try? DomainName(ascii)
    }

    /// The domains whose mail settings may describe a mail host, nearest first: the subdomain
    /// right below the host's registered domain, then the registered domain.
    ///
    /// `mail.hoster.example` then `hoster.example` for `mx1.mail.hoster.example`; only
    /// `hoster.example` for `mx.hoster.example` (the host is no domain to ask about); nothing for a
    /// host that is itself a public suffix or a registered domain's only name.
    public static func settingsDomains(forMailHost host: DomainName) -> [DomainName] {
        guard let registered = registeredDomain(of: host) else { return [] }
        let hostLabels = host.labels
        let registeredCount = registered.labels.count
        guard hostLabels.count > registeredCount else { return [] }
        var domains: [DomainName] = []
        if hostLabels.count > registeredCount + 1 {
            let next = hostLabels.suffix(registeredCount + 1).joined(separator: ".")
            if let subdomain = try? DomainName(next) { domains.append(subdomain) }
        }
        domains.append(registered)
        return domains
    }

    /// The bundled rules, parsed on first use.
    static let bundled = Rules(parsing: EmbeddedPublicSuffixes.rules)

    /// A parsed list. `init(parsing:)` takes the generated format: one rule per line, in
    /// ASCII form, lower-case; `*.` starts a wildcard rule and `!` an exception rule.
    struct Rules: Sendable {
        /// Normal rules, as written.
        var normal: Set<String> = []
        /// Wildcard rules without their `*.`.
        var wildcards: Set<String> = []
        /// Exception rules without their `!`.
        var exceptions: Set<String> = []

        var count: Int { normal.count + wildcards.count + exceptions.count }

        init(parsing text: String) {
            // Bytes, not Characters: this runs once per process before the first answer.
            var text = text
            normal.reserveCapacity(10_000)
            text.withUTF8 { bytes in
                var lineStart = 0
                for position in 0...bytes.count {
                    guard position == bytes.count || bytes[position] == UInt8(ascii: "\n") else { continue }
                    defer { lineStart = position + 1 }
                    guard position > lineStart else { continue }
                    let first = bytes[lineStart]
                    if first == UInt8(ascii: "!") {
                        exceptions.insert(String(decoding: bytes[(lineStart + 1)..<position], as: UTF8.self))
                    } else if first == UInt8(ascii: "*"), position - lineStart > 2 {
                        wildcards.insert(String(decoding: bytes[(lineStart + 2)..<position], as: UTF8.self))
                    } else {
                        normal.insert(String(decoding: bytes[lineStart..<position], as: UTF8.self))
                    }
                }
            }
        }

        /// The public suffix of a lower-case ASCII name without a trailing dot.
        func publicSuffix(ofASCII name: String) -> String {
            let suffixes = Self.suffixes(of: name)
            // An exception rule prevails over every other: its public suffix is the rule
            // without its first label. Several can only nest; the longest comes first.
            for (index, suffix) in suffixes.enumerated() where index + 1 < suffixes.count {
                if exceptions.contains(String(suffix)) {
                    return String(suffixes[index + 1])
                }
            }
            // Otherwise the matching rule with the most labels, longest suffix first.
            for (index, suffix) in suffixes.enumerated() {
                if normal.contains(String(suffix)) {
                    return String(suffix)
                }
                if index + 1 < suffixes.count, wildcards.contains(String(suffixes[index + 1])) {
                    return String(suffix)
                }
            }
            // The default rule `*`: the last label.
            return String(suffixes.last ?? name[...])
        }

        /// The public suffix and one more label; nil when the name is a public suffix.
        func registeredDomain(ofASCII name: String) -> String? {
            let suffix = publicSuffix(ofASCII: name)
            let nameBytes = name.utf8.count
            let suffixBytes = suffix.utf8.count
            guard nameBytes > suffixBytes else { return nil }
            // name = "<rest>.<suffix>": the label before the suffix starts after the dot
            // before it, if any.
            let rest = name.utf8.prefix(nameBytes - suffixBytes - 1)
            guard !rest.isEmpty else { return nil }
            let start = rest.lastIndex(of: UInt8(ascii: ".")).map { name.utf8.index(after: $0) } ?? name.startIndex
            return String(name[start...])
        }

        /// The name and each shorter suffix at a label boundary: `a.b.c`, `b.c`, `c`.
        private static func suffixes(of name: String) -> [Substring] {
            var result: [Substring] = [name[...]]
            var index = name.utf8.startIndex
            while index != name.utf8.endIndex {
                if name.utf8[index] == UInt8(ascii: ".") {
                    result.append(name[name.utf8.index(after: index)...])
                }
                index = name.utf8.index(after: index)
            }
            return result
        }
    }
}
