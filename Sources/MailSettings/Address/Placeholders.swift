/// Placeholders of Mozilla autoconfig: `%EMAILADDRESS%`, `%EMAILLOCALPART%`, `%EMAILDOMAIN%`, `%REALNAME%`.
///
/// Names are matched without regard to case (`%emailaddress%` works too). Domains are filled in
/// their ASCII (punycode) form, because the same placeholders stand in host names such as
/// `mail.%EMAILDOMAIN%` and mail servers know IDN domains in that form; the local part is filled
/// in as typed.
public enum Placeholders {
    /// The whole address, `alice@example.com`.
    public static let emailAddress = "%EMAILADDRESS%"
    /// The part before the `@`, `alice`.
    public static let emailLocalPart = "%EMAILLOCALPART%"
    /// The domain, `example.com`.
    public static let emailDomain = "%EMAILDOMAIN%"
    /// The person's name, `Alice Liddell`.
    public static let realName = "%REALNAME%"

    /// Replaces placeholders with the address's values; unknown %WORDS% are left as written.
    ///
    /// With no `address`, `%EMAILADDRESS%` and `%EMAILLOCALPART%` stay as written; with no
    /// `realName`, `%REALNAME%` does. `%EMAILDOMAIN%` is always replaced by `domain`.
    /// Replaced text is not scanned again.
    public static func expand(
        _ template: String, address: EmailAddress?, domain: DomainName, realName: String? = nil
    ) -> String {
        guard template.utf8.contains(UInt8(ascii: "%")) else { return template }
        var result = ""
        result.reserveCapacity(template.utf8.count + 32)
        var rest = template[...]
        while let start = rest.firstIndex(of: "%") {
            result += rest[..<start]
            let afterStart = rest.index(after: start)
            if let end = rest[afterStart...].firstIndex(of: "%"),
                let name = Name(rest[afterStart..<end]),
                let value = value(of: name, address: address, domain: domain, realName: realName)
            {
                result += value
                rest = rest[rest.index(after: end)...]
            } else {
                // Not a placeholder we can fill: keep the "%" and look again from the next character,
                // so that the closing "%" of an unknown word may open a known one.
                result += "%"
                rest = rest[afterStart...]
            }
        }
        result += rest
        return result
    }

    /// Replaces placeholders with the values of a query: an address fills all of them, a domain
    /// only `%EMAILDOMAIN%`.
    public static func expand(_ template: String, for query: MailQuery, realName: String? = nil) -> String {
        expand(template, address: query.address, domain: query.domain, realName: realName)
    }

    /// True when the text still contains a known placeholder (e.g. a username when only a domain was given).
    public static func containsPlaceholder(_ text: String) -> Bool {
        var rest = text[...]
        while let start = rest.firstIndex(of: "%") {
            let afterStart = rest.index(after: start)
            if let end = rest[afterStart...].firstIndex(of: "%"), Name(rest[afterStart..<end]) != nil {
                return true
            }
            rest = rest[afterStart...]
        }
        return false
    }

    /// The known placeholder names.
    private enum Name {
        case emailAddress, emailLocalPart, emailDomain, realName

        init?(_ word: Substring) {
            switch word.uppercased() {
            case "EMAILADDRESS": self = .emailAddress
            case "EMAILLOCALPART": self = .emailLocalPart
            case "EMAILDOMAIN": self = .emailDomain
            case "REALNAME": self = .realName
            default: return nil
            }
        }
    }

    private static func value(
        of name: Name, address: EmailAddress?, domain: DomainName, realName: String?
    ) -> String? {
        switch name {
        case .emailAddress: address?.ascii
        case .emailLocalPart: address?.localPart
        case .emailDomain: domain.ascii
        case .realName: realName
        }
    }
}
