import MailSettings

/// Fuzz target for address and domain handling: validation, IDNA mapping, punycode, the public
/// suffix list and placeholders.
///
/// Feeds the input, decoded as UTF-8 (bytes that are not become U+FFFD) and also read as
/// Latin-1, to ``EmailAddress/init(_:)`` and ``DomainName/init(_:)``, and the part after its
/// last `@` to ``DomainName/init(_:)``.
///
/// Checks, for an address or domain that is accepted: the ASCII form holds only lower-case
/// letters, digits, hyphens and dots, in 2 or more labels of 1 to 63 octets, at most 253 in all,
/// no label starting or ending with a hyphen; the ASCII form and the Unicode form both parse
/// back to the same value (so punycode decodes what it encoded, and encodes what it decoded);
/// the public suffix and registered domain are whole trailing labels of the name; placeholders
/// expand to the address's own parts. For input that is refused, the error says something.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    var latin1 = String.UnicodeScalarView()
    latin1.append(contentsOf: bytes.map { Unicode.Scalar($0) })
    for text in [String(decoding: bytes, as: UTF8.self), String(latin1)] {
        checkAddress(text)
        checkDomain(text)
        if let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) {
            checkDomain(String(text[text.utf8.index(after: at)...]))
        }
    }
    return 0
}

private func checkAddress(_ text: String) {
    let address: EmailAddress
    do {
        address = try EmailAddress(text)
    } catch {
        precondition(!error.description.isEmpty, "an address error without a message")
        return
    }
    check(address.domain)
    precondition(!address.localPart.isEmpty && address.localPart.utf8.count <= EmailAddress.maxLocalPartLength, "bad local part")
    precondition(!address.localPart.utf8.contains(UInt8(ascii: "@")), "a local part with @")
    for form in [address.ascii, address.unicode] {
        let again: EmailAddress
        do {
            again = try EmailAddress(form)
        } catch {
            preconditionFailure("\(form.debugDescription), a form of an accepted address, is refused: \(error)")
        }
        precondition(again == address, "\(form.debugDescription) parses to \(again.ascii.debugDescription), not \(address.ascii.debugDescription)")
    }
    let template = "%EMAILADDRESS%|%emaillocalpart%|%EMAILDOMAIN%|%REALNAME%"
    let expanded = Placeholders.expand(template, address: address, domain: address.domain, realName: "%EMAILDOMAIN%")
    precondition(
        expanded == "\(address.ascii)|\(address.localPart)|\(address.domain.ascii)|%EMAILDOMAIN%",
        "placeholders expand to \(expanded.debugDescription)")
}

private func checkDomain(_ text: String) {
    let domain: DomainName
    do {
        domain = try DomainName(text)
    } catch {
        precondition(!error.description.isEmpty, "a domain error without a message")
        return
    }
    check(domain)
}

/// The invariants of an accepted domain name.
private func check(_ domain: DomainName) {
    let ascii = domain.ascii
    precondition(ascii.utf8.count <= DomainName.maxLength, "a domain of \(ascii.utf8.count) octets")
    let labels = ascii.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    precondition(labels.count >= 2, "a single-label domain \(ascii.debugDescription)")
    for label in labels {
        precondition((1...63).contains(label.count), "a label of \(label.count) octets in \(ascii.debugDescription)")
        precondition(
            label.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D },
            "a character other than a-z, 0-9 and - in \(ascii.debugDescription)")
        precondition(label.first != 0x2D && label.last != 0x2D, "a label with a hyphen at an end in \(ascii.debugDescription)")
    }
    precondition(!labels.allSatisfy { $0.allSatisfy { (0x30...0x39).contains($0) } }, "an IPv4 address taken as a domain")

    for form in [ascii, domain.unicode] {
        let again: DomainName
        do {
            again = try DomainName(form)
        } catch {
            preconditionFailure("\(form.debugDescription), a form of \(ascii.debugDescription), is refused: \(error)")
        }
        precondition(again == domain, "\(form.debugDescription) parses to \(again.ascii.debugDescription), not \(ascii.debugDescription)")
    }

    let suffix = PublicSuffixList.publicSuffix(of: domain)
    precondition(isTrailingLabels(suffix, of: ascii), "public suffix \(suffix.debugDescription) of \(ascii.debugDescription)")
    if let registered = PublicSuffixList.registeredDomain(of: domain) {
        precondition(isTrailingLabels(registered.ascii, of: ascii), "registered domain \(registered) of \(ascii)")
        precondition(
            registered.labels.count == suffix.split(separator: ".").count + 1,
            "registered domain \(registered) is not one label more than \(suffix)")
    }
    for settings in PublicSuffixList.settingsDomains(forMailHost: domain) {
        precondition(isTrailingLabels(settings.ascii, of: ascii) && settings != domain, "settings domain \(settings) of \(ascii)")
    }
}

/// Whether `suffix` is `name` or a run of its last labels.
private func isTrailingLabels(_ suffix: String, of name: String) -> Bool {
    suffix == name || (!suffix.isEmpty && name.utf8.count > suffix.utf8.count && name.hasSuffix("." + suffix))
}
