import Testing

@testable import MailSettings

@Suite("Autoconfig placeholders")
struct PlaceholdersTests {
    let alice: EmailAddress
    let example: DomainName

    init() throws {
        alice = try EmailAddress("alice@example.com")
        example = try DomainName("example.com")
    }

    @Test(
        "expands every placeholder for an address",
        arguments: [
            ("%EMAILADDRESS%", "alice@example.com"),
            ("%EMAILLOCALPART%", "alice"),
            ("%EMAILDOMAIN%", "example.com"),
            ("%EMAILLOCALPART%.%EMAILDOMAIN%", "alice.example.com"),
            ("%EMAILLOCALPART%%EMAILDOMAIN%", "aliceexample.com"),
            ("mail.%EMAILDOMAIN%", "mail.example.com"),
            ("%REALNAME% <%EMAILADDRESS%>", "Alice Liddell <alice@example.com>"),
            ("%emailaddress%", "alice@example.com"),
            ("plain-user", "plain-user"),
            ("", ""),
        ])
    func expandsForAddress(_ template: String, _ expected: String) {
        let result = Placeholders.expand(template, address: alice, domain: alice.domain, realName: "Alice Liddell")
        #expect(result == expected)
        #expect(!Placeholders.containsPlaceholder(result))
    }

    @Test(
        "with only a domain, the address placeholders stay as written",
        arguments: [
            ("%EMAILADDRESS%", "%EMAILADDRESS%", true),
            ("%EMAILLOCALPART%", "%EMAILLOCALPART%", true),
            ("%EMAILDOMAIN%", "example.com", false),
            ("%EMAILLOCALPART%.%EMAILDOMAIN%", "%EMAILLOCALPART%.example.com", true),
            ("pop.%EMAILDOMAIN%", "pop.example.com", false),
            ("%REALNAME%", "%REALNAME%", true),
        ])
    func expandsForDomain(_ template: String, _ expected: String, _ stillHasPlaceholder: Bool) {
        let result = Placeholders.expand(template, address: nil, domain: example)
        #expect(result == expected)
        #expect(Placeholders.containsPlaceholder(result) == stillHasPlaceholder)
    }

    @Test(
        "unknown words and lone percent signs are kept as written",
        arguments: [
            ("%FOO%", "%FOO%"),
            ("%FOO%@%EMAILDOMAIN%", "%FOO%@example.com"),
            ("%FOO%EMAILDOMAIN%", "%FOOexample.com"),
            ("100%", "100%"),
            ("%%", "%%"),
            ("%%EMAILDOMAIN%%", "%example.com%"),
            ("%EMAILDOMAIN", "%EMAILDOMAIN"),
            ("50% of %EMAILLOCALPART%", "50% of alice"),
            ("%EMAIL ADDRESS%", "%EMAIL ADDRESS%"),
        ])
    func keepsUnknown(_ template: String, _ expected: String) {
        #expect(Placeholders.expand(template, address: alice, domain: alice.domain) == expected)
    }

    @Test("replaced text is not expanded again")
    func noReexpansion() {
        let result = Placeholders.expand(
            "%REALNAME%/%EMAILDOMAIN%", address: alice, domain: alice.domain, realName: "%EMAILDOMAIN%")
        #expect(result == "%EMAILDOMAIN%/example.com")
    }

    @Test("IDN domains are filled in their ASCII form, local parts as typed")
    func idn() throws {
        let address = try EmailAddress("Usuario@españa.es")
        #expect(
            Placeholders.expand("%EMAILADDRESS%", address: address, domain: address.domain)
                == "Usuario@xn--espaa-rta.es")
        #expect(
            Placeholders.expand("%EMAILLOCALPART%|mail.%EMAILDOMAIN%", address: address, domain: address.domain)
                == "Usuario|mail.xn--espaa-rta.es")
    }

    @Test("expands for a parsed query")
    func query() throws {
        let address = try MailQuery(parsing: "alice@example.com")
        let domain = try MailQuery(parsing: "example.com")
        #expect(Placeholders.expand("%EMAILADDRESS%", for: address) == "alice@example.com")
        #expect(Placeholders.expand("%EMAILADDRESS%", for: domain) == "%EMAILADDRESS%")
        #expect(Placeholders.expand("%REALNAME%", for: domain, realName: "Alice") == "Alice")
    }

    @Test(
        "finds known placeholders only",
        arguments: [
            ("%EMAILADDRESS%", true),
            ("user: %EMAILLOCALPART%", true),
            ("%EMAILDOMAIN%", true),
            ("%REALNAME%", true),
            ("%emaillocalpart%", true),
            ("%FOO%EMAILADDRESS%", true),
            ("%FOO%", false),
            ("alice@example.com", false),
            ("100%", false),
            ("%EMAILADDRESS", false),
            ("", false),
        ])
    func containsPlaceholder(_ text: String, _ expected: Bool) {
        #expect(Placeholders.containsPlaceholder(text) == expected)
    }

    @Test("the placeholder constants are the ones autoconfig files use")
    func constants() {
        #expect(Placeholders.emailAddress == "%EMAILADDRESS%")
        #expect(Placeholders.emailLocalPart == "%EMAILLOCALPART%")
        #expect(Placeholders.emailDomain == "%EMAILDOMAIN%")
        #expect(Placeholders.realName == "%REALNAME%")
        for constant in [Placeholders.emailAddress, Placeholders.emailLocalPart, Placeholders.emailDomain, Placeholders.realName] {
            #expect(Placeholders.containsPlaceholder(constant))
        }
    }
}
