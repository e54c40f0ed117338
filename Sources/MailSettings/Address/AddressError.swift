#if canImport(FoundationEssentials)
import FoundationEssentials  // LocalizedError, without loading all of Foundation
#else
import Foundation
#endif

/// Why an email address or domain name was refused.
///
/// The ``description`` is one line for people: it quotes what was typed, says what is wrong
/// and what to do. Programs match on ``code``:
///
/// ```swift
/// do {
///     let address = try EmailAddress(input)
/// } catch where error.code == .singleLabel {
///     // …
/// }
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a default branch.
public struct AddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. Compare with the static members, such as `.tooManyAtSigns`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case empty
            case tooManyAtSigns
            case missingAtSign
            case emptyLocalPart
            case emptyDomain
            case labelTooLong
            case nameTooLong
            case invalidCharacter
            case ipLiteral
            case invalidLabel
            case invalidPunycode
            case localPartTooLong
            case singleLabel
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// Nothing was typed (or only white space).
        public static let empty = Code(.empty)
        /// The address has more than one `@`.
        public static let tooManyAtSigns = Code(.tooManyAtSigns)
        /// An address was expected but the text has no `@`.
        public static let missingAtSign = Code(.missingAtSign)
        /// Nothing stands before the `@`.
        public static let emptyLocalPart = Code(.emptyLocalPart)
        /// Nothing stands after the `@` (or the domain is only a dot).
        public static let emptyDomain = Code(.emptyDomain)
        /// A label of the domain is longer than 63 octets in its ASCII (punycode) form.
        public static let labelTooLong = Code(.labelTooLong)
        /// The domain is longer than 253 octets in its ASCII (punycode) form.
        public static let nameTooLong = Code(.nameTooLong)
        /// A character that has no place there: a space, a control character, a quote,
        /// or a character a host name cannot hold.
        public static let invalidCharacter = Code(.invalidCharacter)
        /// An IP address was given where a domain name is needed.
        public static let ipLiteral = Code(.ipLiteral)
        /// A label of the domain is malformed: empty (two dots in a row), or starts or ends with a hyphen.
        public static let invalidLabel = Code(.invalidLabel)
        /// An `xn--` label is not valid punycode, or does not round-trip.
        public static let invalidPunycode = Code(.invalidPunycode)
        /// The part before the `@` is longer than 64 octets.
        public static let localPartTooLong = Code(.localPartTooLong)
        /// The domain has one label only, like `localhost`.
        public static let singleLabel = Code(.singleLabel)

        /// The code's name, such as `tooManyAtSigns`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem was found.
    public let code: Code
    /// The text that was refused, without the white space around it.
    public let input: String
    /// One line for people: what was typed, what is wrong, what to do.
    public let description: String

    /// Makes an error whose message reads `"<input>" <problem>: <advice>`.
    init(_ code: Code, input: String, problem: String, advice: String) {
        self.code = code
        self.input = input
        self.description = "\(AddressError.quoted(input)) \(problem): \(advice)"
    }

    /// True when the error has the given code; lets `if case` and `switch` match on codes.
    public static func ~= (code: Code, error: AddressError) -> Bool {
        error.code == code
    }
}

extension AddressError: LocalizedError {
    /// The same one-line message as ``description``.
    public var errorDescription: String? { description }
}

// MARK: - Showing input safely

extension AddressError {
    /// Longest input shown whole in a message; longer input is shortened in the middle.
    static let displayLimit = 160

    /// The input in double quotes, on one line, with nothing invisible left raw:
    /// control, format and separator characters become `\u{…}`, `"` and `\` are escaped.
    static func quoted(_ input: String) -> String {
        var scalars = Array(input.unicodeScalars)
        var shortened = false
        if scalars.count > displayLimit {
            scalars = Array(scalars.prefix(displayLimit - 40)) + Array(scalars.suffix(30))
            shortened = true
        }
        var out = "\""
        out.reserveCapacity(scalars.count + 8)
        var previous: Unicode.Scalar? = nil
        for (index, scalar) in scalars.enumerated() {
            if shortened && index == displayLimit - 40 {
                out += "…"
            }
            if isMark(scalar), previous.map({ $0.isASCII && !$0.properties.isAlphabetic }) ?? true {
                // A combining mark with no letter to sit on would merge with the quote or the
                // punctuation before it: show its code point instead.
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out += display(scalar)
            }
            previous = scalar
        }
        out += "\""
        return out
    }

    /// One scalar as it is shown in a message.
    static func display(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case " ": return " "
        default:
            if isInvisible(scalar) {
                return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            return String(scalar)
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// `U+0009`-style name of a scalar, for messages.
    static func codePointName(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Control, format, separator, private-use, surrogate and unassigned code points,
    /// and white space other than the plain space: what must never appear raw in a message.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return false }
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator,
            .privateUse, .surrogate, .unassigned:
            return true
        default:
            return false
        }
    }
}
