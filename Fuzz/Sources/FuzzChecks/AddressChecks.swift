import MailSettings

extension FuzzChecks {
    /// The invariants of address and domain handling: validation, IDNA mapping, punycode, the
    /// public suffix list and placeholders.
    ///
    /// Feeds `bytes`, decoded as UTF-8 (bytes that are not become U+FFFD) and also read as
    /// Latin-1, to ``EmailAddress/init(_:)`` and ``DomainName/init(_:)``, and the part after its
    /// last `@` to ``DomainName/init(_:)``.
    ///
    /// For an address or domain that is accepted: the ASCII form holds only lower-case letters,
    /// digits, hyphens and dots, in 2 or more labels of 1 to 63 octets, at most 253 in all, no
    /// label starting or ending with a hyphen, not all digits; the local part is not empty, not
    /// too long and has no `@`; the ASCII form and the Unicode form both parse back to the same
    /// value (so punycode decodes what it encoded, and encodes what it decoded); the public
    /// suffix, the registered domain and the settings domains are whole trailing labels of the
    /// name; placeholders expand to the address's own parts. For input that is refused, the
    /// error says something.
    ///
    /// - Returns: the problems found, empty when every invariant holds.
    public static func address(_ bytes: [UInt8]) -> [String] {
        var problems = Problems()
        for text in addressTexts(bytes) {
            checkAddress(text, &problems)
            checkDomain(text, &problems)
            if let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) {
                checkDomain(String(text[text.utf8.index(after: at)...]), &problems)
            }
        }
        return problems.list
    }

    /// The texts ``address(_:)`` reads `bytes` as: UTF-8, with U+FFFD for what is not, and Latin-1.
    static func addressTexts(_ bytes: [UInt8]) -> [String] {
        var latin1 = String.UnicodeScalarView()
        latin1.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return [String(decoding: bytes, as: UTF8.self), String(latin1)]
    }

    private static func checkAddress(_ text: String, _ problems: inout Problems) {
        let address: EmailAddress
        do {
            address = try EmailAddress(text)
        } catch {
            problems.expect(!error.description.isEmpty, "an address error without a message")
            return
        }
        check(address.domain, &problems)
        problems.expect(
            !address.localPart.isEmpty && address.localPart.utf8.count <= EmailAddress.maxLocalPartLength,
            "bad local part \(address.localPart.debugDescription)")
        problems.expect(!address.localPart.utf8.contains(UInt8(ascii: "@")), "a local part with @")
        for form in [address.ascii, address.unicode] {
            do {
                let again = try EmailAddress(form)
                problems.expect(
                    again == address,
                    "\(form.debugDescription) parses to \(again.ascii.debugDescription), not \(address.ascii.debugDescription)")
            } catch {
                problems.add("\(form.debugDescription), a form of an accepted address, is refused: \(error)")
            }
        }
        let template = "%EMAILADDRESS%|%emaillocalpart%|%EMAILDOMAIN%|%REALNAME%"
        let expanded = Placeholders.expand(template, address: address, domain: address.domain, realName: "%EMAILDOMAIN%")
        problems.expect(
            expanded == "\(address.ascii)|\(address.localPart)|\(address.domain.ascii)|%EMAILDOMAIN%",
            "placeholders expand to \(expanded.debugDescription)")
    }

    private static func checkDomain(_ text: String, _ problems: inout Problems) {
        let domain: DomainName
        do {
            domain = try DomainName(text)
        } catch {
            problems.expect(!error.description.isEmpty, "a domain error without a message")
            return
        }
        check(domain, &problems)
    }

    /// The invariants of an accepted domain name.
    private static func check(_ domain: DomainName, _ problems: inout Problems) {
        let ascii = domain.ascii
        problems.expect(ascii.utf8.count <= DomainName.maxLength, "a domain of \(ascii.utf8.count) octets")
        let labels = ascii.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        problems.expect(labels.count >= 2, "a single-label domain \(ascii.debugDescription)")
        for label in labels {
            problems.expect(
                (1...63).contains(label.count), "a label of \(label.count) octets in \(ascii.debugDescription)")
            problems.expect(
                label.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D },
                "a character other than a-z, 0-9 and - in \(ascii.debugDescription)")
            problems.expect(
                label.first != 0x2D && label.last != 0x2D, "a label with a hyphen at an end in \(ascii.debugDescription)")
        }
        problems.expect(
            !labels.allSatisfy { $0.allSatisfy { (0x30...0x39).contains($0) } },
            "an IPv4 address taken as a domain: \(ascii.debugDescription)")

        for form in [ascii, domain.unicode] {
            do {
                let again = try DomainName(form)
                problems.expect(
                    again == domain,
                    "\(form.debugDescription) parses to \(again.ascii.debugDescription), not \(ascii.debugDescription)")
            } catch {
                problems.add("\(form.debugDescription), a form of \(ascii.debugDescription), is refused: \(error)")
            }
        }

        let suffix = PublicSuffixList.publicSuffix(of: domain)
        problems.expect(
            isTrailingLabels(suffix, of: ascii), "public suffix \(suffix.debugDescription) of \(ascii.debugDescription)")
        if let registered = PublicSuffixList.registeredDomain(of: domain) {
            problems.expect(isTrailingLabels(registered.ascii, of: ascii), "registered domain \(registered) of \(ascii)")
            problems.expect(
                registered.labels.count == suffix.split(separator: ".").count + 1,
                "registered domain \(registered) is not one label more than \(suffix)")
        }
        for settings in PublicSuffixList.settingsDomains(forMailHost: domain) {
            problems.expect(
                isTrailingLabels(settings.ascii, of: ascii) && settings != domain, "settings domain \(settings) of \(ascii)")
        }
    }

    /// Whether `suffix` is `name` or a run of its last labels.
    private static func isTrailingLabels(_ suffix: String, of name: String) -> Bool {
        suffix == name || (!suffix.isEmpty && name.utf8.count > suffix.utf8.count && name.hasSuffix("." + suffix))
    }
}
