/// A validated, normalised domain name.
///
/// Accepts Unicode (`españa.es`) or ASCII and punycode (`xn--espaa-rta.es`); both give the same
/// value. Surrounding white space and one trailing dot are removed, the name is lower-cased,
/// ideographic and full-width dots become `.`, and labels are NFC-normalised and converted to
/// punycode as IDNA says. IP addresses and single-label names such as `localhost` are refused:
/// mail settings are looked up by domain name.
///
/// Two values are equal when their ``ascii`` forms are; values sort by ``ascii``.
/// A value encodes as its ``ascii`` string and is validated again when decoded.
public struct DomainName: Sendable, Hashable, ValidatedStringCodable, CustomStringConvertible, Comparable {
    /// The longest name, in octets of its ASCII form without the trailing dot (RFC 1035).
    public static let maxLength = 253

    /// The name as the DNS knows it: lower-case, punycode (`xn--`) labels, no trailing dot.
    public let ascii: String

    /// The name for people, with punycode labels decoded back to Unicode.
    public var unicode: String { IDNA.toUnicode(domain: ascii) }

    /// The labels of ``ascii``, left to right.
    public var labels: [Substring] { ascii.split(separator: ".") }

    /// The ASCII form, ``ascii``.
    public var description: String { ascii }

    /// Validates and normalises a domain name typed by a person or read from a file.
    ///
    /// - Throws: ``AddressError`` saying what is wrong and what to do.
    public init(_ input: String) throws(AddressError) {
        let trimmed = AddressText.trimmed(input)
        guard !trimmed.isEmpty else {
            throw AddressError(
                .empty, input: trimmed, problem: "is empty",
                advice: "type a domain name, like example.com")
        }
        try AddressError.checkVisible(trimmed)
        try self.init(validating: trimmed[...], input: trimmed, inAddress: false)
    }

    /// Orders names by their ASCII form.
    public static func < (lhs: DomainName, rhs: DomainName) -> Bool {
        lhs.ascii < rhs.ascii
    }

    /// Validates the domain part `text` (already trimmed and free of spaces and control
    /// characters); errors quote `input`, the whole text the person typed.
    init(validating text: Substring, input: String, inAddress: Bool) throws(AddressError) {
        func fail(_ code: AddressError.Code, _ problem: String, _ advice: String) -> AddressError {
            AddressError(code, input: input, problem: problem, advice: advice)
        }
        guard !text.isEmpty else {
            throw fail(.emptyDomain, "has nothing after the @", "add the domain, like alice@example.com")
        }
        try Self.rejectAddressLiterals(text, input: input, inAddress: inAddress)

        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let name = isASCII ? text.lowercased() : IDNA.map(text)
        var labels = AddressText.split(name[...], on: UInt8(ascii: "."))
        if labels.count > 1, labels[labels.count - 1].isEmpty {
            labels.removeLast()  // one trailing dot is allowed
        }
        if labels.count == 1, labels[0].isEmpty {
            throw fail(
                .emptyDomain, "has no domain name, only a dot",
                inAddress ? "add the domain, like alice@example.com" : "type a domain name, like example.com")
        }

        var allNumeric = true
        var asciiLabels: [String] = []
        // Plain ASCII (with or without punycode) is checked in place and kept as it is.
        let needsConversion = !isASCII
        for (index, label) in labels.enumerated() {
            guard !label.isEmpty else {
                if index == 0 {
                    throw fail(.invalidLabel, "has a domain that starts with a dot", "remove the dot")
                } else if index == labels.count - 1 {
                    throw fail(.invalidLabel, "ends with two dots", "remove one; a single trailing dot is fine")
                } else {
                    throw fail(.invalidLabel, "has two dots in a row in the domain", "remove the extra dot")
                }
            }
            if allNumeric && !label.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                allNumeric = false
            }
            do {
                if needsConversion {
                    asciiLabels.append(try IDNA.toASCII(label: label))
                } else {
                    try IDNA.checkASCII(label: label)
                }
            } catch {
                throw fail(error.code, error.problem, error.advice)
            }
        }
        let labelCount = labels.count
        let ascii: String
        if needsConversion {
            ascii = asciiLabels.joined(separator: ".")
        } else if name.utf8.last == UInt8(ascii: ".") {
            ascii = String(name.dropLast())  // ASCII: the last character is the dot alone
        } else {
            ascii = name
        }

        if allNumeric {
            throw Self.ipLiteralError(input: input, inAddress: inAddress)
        }
        if labelCount < 2 {
            throw fail(
                .singleLabel, "has a domain with one label only (\(AddressError.quoted(ascii)))",
                inAddress
                    ? "mail settings need a full domain name after the @, like alice@example.com"
                    : "mail settings need a full domain name, like example.com, or a whole address, like alice@example.com")
        }
        let length = ascii.utf8.count
        if length > Self.maxLength {
            throw fail(
                .nameTooLong,
                "has a domain of \(length) characters in its ASCII form, more than the \(Self.maxLength) allowed",
                "check the domain for a typing or pasting mistake")
        }
        self.ascii = ascii
    }

    /// Refuses IP addresses (`[127.0.0.1]`, `[IPv6:::1]`, `::1`), URLs and host:port pairs
    /// with a message that says what to type instead. Dotted-decimal IPv4 is caught later,
    /// as a name whose labels are all digits.
    private static func rejectAddressLiterals(_ text: Substring, input: String, inAddress: Bool) throws(AddressError) {
        let bytes = text.utf8
        let startsWithIPv6 = bytes.count >= 5 && String(decoding: bytes.prefix(5), as: UTF8.self).lowercased() == "ipv6:"
        if bytes.first == UInt8(ascii: "[") || bytes.last == UInt8(ascii: "]") || startsWithIPv6 {
            throw ipLiteralError(input: input, inAddress: inAddress)
        }
        let hasColon = bytes.contains(UInt8(ascii: ":"))
        guard hasColon || bytes.contains(UInt8(ascii: "/")) else { return }
        if !hasColon || AddressText.contains(text, "://") {
            throw AddressError(
                .invalidCharacter, input: input, problem: "looks like a web address, not a domain name",
                advice: "type just the domain, like example.com")
        }
        let colons = text.utf8.reduce(0) { $1 == UInt8(ascii: ":") ? $0 + 1 : $0 }
        let looksLikeIPv6 = colons >= 2 && text.unicodeScalars.allSatisfy { scalar in
            scalar == ":" || scalar == "." || scalar == "%" || scalar.properties.isASCIIHexDigit
        }
        if looksLikeIPv6 {
            throw ipLiteralError(input: input, inAddress: inAddress)
        }
        throw AddressError(
            .invalidCharacter, input: input, problem: "has \":\" in the domain",
            advice: "a port or URL does not belong here; type just the domain, like example.com")
    }

    private static func ipLiteralError(input: String, inAddress: Bool) -> AddressError {
        AddressError(
            .ipLiteral, input: input, problem: "gives an IP address instead of a domain name",
            advice: inAddress
                ? "mail settings are looked up by domain name, so use an address with a domain, like alice@example.com"
                : "mail settings are looked up by domain name, so type a domain, like example.com")
    }
}

/// Byte-wise helpers for address text: splitting and searching on ASCII characters by their
/// bytes, so that a combining mark after a separator cannot hide it (as it would in a
/// comparison of `Character`s, which are grapheme clusters).
enum AddressText {
    /// `text` split at every `separator` byte (an ASCII character), keeping empty pieces.
    static func split(_ text: Substring, on separator: UInt8) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex
        var index = text.utf8.startIndex
        while index != text.utf8.endIndex {
            if text.utf8[index] == separator {
                pieces.append(text[start..<index])
                start = text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        pieces.append(text[start..<text.endIndex])
        return pieces
    }

    /// `text` without white space (Unicode `White_Space`, newlines included) at either end.
    /// Returns `text` itself, without copying, when there is none.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !first.properties.isWhitespace && !last.properties.isWhitespace {
            return text
        }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }

    /// Whether `text` holds the ASCII string `needle`, byte for byte.
    static func contains<S: StringProtocol>(_ text: S, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let target = Array(needle.utf8)
        guard !target.isEmpty, haystack.count >= target.count else { return target.isEmpty }
        for start in 0...(haystack.count - target.count) where haystack[start..<start + target.count].elementsEqual(target) {
            return true
        }
        return false
    }
}

extension AddressError {
    /// Refuses spaces (any Unicode white space), control characters and invisible format
    /// characters anywhere in `text`, naming the first one found.
    static func checkVisible(_ text: String) throws(AddressError) {
        // ASCII fast path: only bytes up to the space and DEL can be refused.
        if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return
        }
        for scalar in text.unicodeScalars {
            if scalar == " " || (scalar.properties.isWhitespace && scalar.properties.generalCategory != .control) {
                let which = scalar == " " ? "a space" : "a space (\(codePointName(scalar)))"
                throw AddressError(
                    .invalidCharacter, input: text, problem: "contains \(which)",
                    advice: "addresses and domain names have none; remove it")
            }
            switch scalar.properties.generalCategory {
            case .control:
                throw AddressError(
                    .invalidCharacter, input: text,
                    problem: "contains the control character \(codePointName(scalar))",
                    advice: "remove it; it may have come in with copying and pasting")
            case .format, .lineSeparator, .paragraphSeparator:
                throw AddressError(
                    .invalidCharacter, input: text,
                    problem: "contains the invisible character \(codePointName(scalar))",
                    advice: "remove it; it may have come in with copying and pasting")
            default:
                continue
            }
        }
    }
}
