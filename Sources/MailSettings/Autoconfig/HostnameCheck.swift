/// Decides whether a `<hostname>` of an autoconfig file is a usable host name, and says why not.
///
/// A usable name is an LDH name (letters, digits, hyphens; labels of 1–63 characters that
/// neither start nor end with a hyphen; at most 253 characters; one trailing dot allowed) or an
/// internationalised name IDNA accepts, once `%EMAILDOMAIN%` and `%EMAILLOCALPART%` are replaced
/// by sample values. Nothing is ever repaired: a name with a port, a path, a scheme, `user@`,
/// spaces, quotes or control characters is refused.
enum HostnameCheck {
    /// The sample domain that stands in for `%EMAILDOMAIN%` while checking.
    static let sampleDomain = "example.com"
    /// The sample local part that stands in for `%EMAILLOCALPART%` while checking.
    static let sampleLocalPart = "alice"

    /// Nil when `hostname` (already trimmed) is usable, else the reason, phrased to follow
    /// `hostname "…"` and to say what to write instead.
    static func problem(_ hostname: String) -> String? {
        if hostname.isEmpty { return "is empty" }
        for scalar in hostname.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                return "contains a control character (U+\(hex(scalar.value))): remove it"
            }
        }
        if hostname.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return "contains a space: a host name has none"
        }
        if hostname.contains("\"") || hostname.contains("'") {
            return "contains a quote: write the bare host name"
        }
        if AddressText.contains(hostname, "://") {
            return "is a URL: write only the host name, like mail.example.com"
        }
        if hostname.contains("@") {
            return "contains \"@\": a user name belongs in <username>, not in the host name"
        }
        if hostname.contains("/") || hostname.contains("\\") {
            return "contains a path: write only the host name, like mail.example.com"
        }
        if hostname.contains(":") {
            return "contains a port: put the port in <port> and only the host name in <hostname>"
        }
        var expanded = replacing(hostname, placeholder: "EMAILDOMAIN", with: sampleDomain)
        expanded = replacing(expanded, placeholder: "EMAILLOCALPART", with: sampleLocalPart)
        if expanded.contains("%") {
            return "contains \"%\" that is not %EMAILDOMAIN% or %EMAILLOCALPART%: those are the only placeholders a host name may hold"
        }
        if !expanded.utf8.allSatisfy({ $0 < 0x80 }) {
            // An internationalised name: IDNA decides (a single label or an IP address is not usable either).
            do {
                _ = try DomainName(expanded)
                return nil
            } catch {
                return "is not a usable internationalised host name (\(error.description))"
            }
        }
        return ldhProblem(expanded)
    }

    private static func ldhProblem(_ name: String) -> String? {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        let length = labels.reduce(0) { $0 + $1.utf8.count } + labels.count - 1
        if length > DomainName.maxLength {
            return "is \(length) characters long, more than the 253 a host name may have"
        }
        for label in labels {
            if label.isEmpty {
                return "has an empty label (two dots in a row, or a dot at the start)"
            }
            if label.utf8.count > 63 {
                return "has a label longer than 63 characters"
            }
            let bad = label.unicodeScalars.first { scalar in
                !(("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "-")
            }
            if let bad {
                return "contains \"\(bad)\": a host name has only letters, digits, hyphens and dots"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "has a label that starts or ends with a hyphen"
            }
        }
        return nil
    }

    /// `text` with every `%NAME%` (any case) replaced by `value`.
    static func replacing(_ text: String, placeholder name: String, with value: String) -> String {
        guard text.contains("%") else { return text }
        var result = ""
        var rest = text[...]
        let token = "%\(name)%"
        while let start = rest.firstIndex(of: "%") {
            result += rest[..<start]
            let candidate = rest[start...].prefix(token.count)
            if candidate.uppercased() == token {
                result += value
                rest = rest[candidate.endIndex...]
            } else {
                result += "%"
                rest = rest[rest.index(after: start)...]
            }
        }
        return result + rest
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
