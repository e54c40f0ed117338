/// Internationalised domain names, label by label: a small subset of UTS 46 processing.
///
/// What is done:
/// - mapping: the ideographic and full-width full stops (U+3002, U+FF0E, U+FF61) become `.`,
///   full-width ASCII (U+FF01–U+FF5E) becomes ASCII, then Unicode lower-casing and NFC;
/// - to ASCII: a label with non-ASCII characters becomes `xn--` + Punycode;
/// - validation: ASCII labels hold only `a-z 0-9 -` and neither start nor end with a hyphen;
///   Unicode labels hold letters, marks, digits, symbols and hyphens only (no punctuation,
///   no spaces, no control, format, private-use or unassigned code points) and do not start
///   with a combining mark; an `xn--` label must decode, hold non-ASCII characters, be in
///   mapped form and encode back to the same text.
///
/// What is not done (left to the DNS and the servers, which refuse such names anyway):
/// the full UTS 46 mapping table, the Bidi rule (RFC 5893) and the CONTEXTJ/CONTEXTO rules
/// (RFC 5892). Zero-width joiners are refused like every other format character.
enum IDNA {
    /// The prefix of a Punycode label.
    static let acePrefix = "xn--"

    /// The longest label, in octets of its ASCII form (RFC 1035).
    static let maxLabelLength = 63

    /// One problem with one label; ``DomainName`` turns it into an ``AddressError``.
    struct Problem: Error, Sendable, Hashable {
        var code: AddressError.Code
        var problem: String
        var advice: String
    }

    // MARK: Mapping

    /// UTS 46-style mapping of a whole domain that holds non-ASCII characters:
    /// dot variants to `.`, full-width ASCII to ASCII, lower-case, NFC.
    static func map<S: StringProtocol>(_ domain: S) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in domain.unicodeScalars {
            switch scalar.value {
            case 0x3002, 0xFF0E, 0xFF61:
                scalars.append(".")
            case 0xFF01...0xFF5E:
                // Full-width forms of ASCII "!" to "~" sit 0xFEE0 above them.
                scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            default:
                scalars.append(scalar)
            }
        }
        return nfc(String(scalars).lowercased())
    }

    /// Unicode Normalization Form C, from the standard library, so that this module needs no
    /// Foundation beyond FoundationEssentials (loading all of Foundation costs a short-lived
    /// CLI process milliseconds). `_nfcCodeUnits` is the normaliser swift-foundation itself uses.
    static func nfc(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }  // ASCII is already NFC
        return String(decoding: Array(text._nfcCodeUnits), as: UTF8.self)
    }

    // MARK: To ASCII

    /// The ASCII form of one mapped label: itself when it is ASCII, else `xn--` + Punycode.
    /// Throws when the label is not valid; does not check the empty label (the caller knows why
    /// a label is empty and says so better).
    static func toASCII(label: Substring) throws(Problem) -> String {
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            try checkASCII(label: label)
            return String(label)
        }
        try checkUnicode(label: label)
        guard let encoded = Punycode.encode(label) else {
            throw Problem(
                code: .labelTooLong,
                problem: "has a domain label far too long to encode (\(shown(label)))",
                advice: "check the domain for a typing or pasting mistake")
        }
        let ascii = acePrefix + encoded
        try checkLength(ascii: ascii, label: label)
        return ascii
    }

    /// Checks an ASCII label that is already lower-case: letters, digits and hyphens only,
    /// no hyphen at either end, at most 63 octets, and a valid `xn--` label when it has the prefix.
    static func checkASCII(label: Substring) throws(Problem) {
        for byte in label.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                continue
            default:
                throw invalidCharacter(Unicode.Scalar(byte))
            }
        }
        try checkLength(ascii: label, label: label)
        if hasACEPrefix(label) {
            // Covers the hyphens too: a label that round-trips never ends with one.
            try checkACE(label: label)
        } else if label.utf8.first == UInt8(ascii: "-") || label.utf8.last == UInt8(ascii: "-") {
            throw hyphenAtEnd(label)
        }
    }

    /// Checks an `xn--` label: it decodes, the result is a valid non-ASCII label in mapped form,
    /// and encoding it gives the label back.
    private static func checkACE(label: Substring) throws(Problem) {
        let invalid = Problem(
            code: .invalidPunycode,
            problem: "has a domain label that is not valid punycode (\(shown(label)))",
            advice: "check the spelling, or type the domain in its own script, like españa.es")
        guard let decoded = Punycode.decode(label.dropFirst(acePrefix.count)),
            !decoded.isEmpty,
            !decoded.utf8.allSatisfy({ $0 < 0x80 }),
            // Scalar by scalar: `==` on strings would let a decomposed (NFD) label pass.
            map(decoded).unicodeScalars.elementsEqual(decoded.unicodeScalars),
            Punycode.encode(decoded).map({ acePrefix + $0 }) == String(label)
        else {
            throw invalid
        }
        do {
            try checkUnicode(label: decoded[...])
        } catch {
            throw invalid
        }
    }

    /// Checks a mapped label that holds non-ASCII characters.
    private static func checkUnicode(label: Substring) throws(Problem) {
        if hasACEPrefix(label) {
            throw Problem(
                code: .invalidLabel,
                problem: "has a domain label that starts with xn-- but is not ASCII (\(shown(label)))",
                advice: "give the label either in punycode or in its own script, not a mix")
        }
        for scalar in label.unicodeScalars where !isAllowed(scalar) {
            throw invalidCharacter(scalar)
        }
        if label.unicodeScalars.first == "-" || label.unicodeScalars.last == "-" {
            throw hyphenAtEnd(label)
        }
        if let first = label.unicodeScalars.first {
            switch first.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                throw Problem(
                    code: .invalidLabel,
                    problem: "has a domain label that starts with a combining mark (\(shown(label)))",
                    advice: "check the spelling of the domain")
            default:
                break
            }
        }
    }

    /// Whether a scalar may stand in a mapped domain label.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "0"..."9", "-": return true
            default: return false
            }
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return false
        default:
            return true
        }
    }

    private static func checkLength<S: StringProtocol>(ascii: S, label: Substring) throws(Problem) {
        let length = ascii.utf8.count
        guard length <= maxLabelLength else {
            throw Problem(
                code: .labelTooLong,
                problem: "has a domain label of \(length) characters in its ASCII form (\(shown(label))), "
                    + "more than the \(maxLabelLength) allowed",
                advice: "check the domain for a typing or pasting mistake")
        }
    }

    private static func invalidCharacter(_ scalar: Unicode.Scalar) -> Problem {
        Problem(
            code: .invalidCharacter,
            problem: "has \(AddressError.quoted(String(scalar))) (\(AddressError.codePointName(scalar))) in the domain",
            advice: "a domain holds only letters, digits, hyphens and dots; check the spelling")
    }

    private static func hyphenAtEnd(_ label: Substring) -> Problem {
        Problem(
            code: .invalidLabel,
            problem: "has a domain label that starts or ends with a hyphen (\(shown(label)))",
            advice: "check the spelling of the domain")
    }

    /// A label quoted for a message.
    private static func shown(_ label: Substring) -> String {
        AddressError.quoted(String(label))
    }

    // MARK: To Unicode

    /// The Unicode form of one ASCII label, for people: an `xn--` label decoded, others as they are.
    static func toUnicode(label: Substring) -> String {
        guard hasACEPrefix(label), let decoded = Punycode.decode(label.dropFirst(acePrefix.count)) else {
            return String(label)
        }
        return decoded
    }

    /// The Unicode form of a validated ASCII domain name.
    static func toUnicode(domain: String) -> String {
        guard domain.contains(acePrefix) else { return domain }
        return domain.split(separator: ".", omittingEmptySubsequences: false)
            .map { toUnicode(label: $0) }
            .joined(separator: ".")
    }

    /// Whether a label starts with `xn--`, compared byte by byte (a combining mark after the
    /// prefix must not hide it, as it would in a comparison of characters).
    static func hasACEPrefix(_ label: Substring) -> Bool {
        label.utf8.starts(with: acePrefix.utf8)
    }
}
