/// Escaping rules of the formats, one function per rule. Each takes text already checked by
/// ``ExportCheck`` (no control characters) and returns what can be written between the
/// format's delimiters without ending them.
enum ExportEscaping {
    /// XML character data or attribute value: `&`, `<`, `>`, `"` and `'` become references, so
    /// no markup (and no `]]>`) can be formed.
    static func xml(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// An msmtp or mpop argument: the rest of the line, with one pair of enclosing double
    /// quotes removed and nothing else interpreted (checked with the real programs: `\` and
    /// inner `"` stay as they are). Always quoting keeps spaces at either end and a value that
    /// itself starts and ends with a quote.
    static func msmtpArgument(_ text: String) -> String {
        "\"" + text + "\""
    }

    /// A fetchmail quoted string. fetchmail knows `\n`, `\t`, `\b`, `\r`, decimal, octal and
    /// `\xhh` escapes but not `\"` or `\\`, so `"` and `\` are written as `\x22` and `\x5c`
    /// (exactly two hex digits are read, so a following digit or letter is safe).
    static func fetchmailString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\x22"
            case "\\": result += "\\x5c"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A Python string literal in double quotes, ASCII only (getmail reads `password_command`
    /// with `eval`): `\` and `"` are escaped, anything outside printable ASCII becomes `\uXXXX`
    /// or `\UXXXXXXXX`. The literal cannot end early, so nothing after it can run.
    static func pythonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            default:
                if scalar.value >= 0x20 && scalar.value < 0x7F {
                    result.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFFFF {
                    result += "\\u" + hex(scalar.value, width: 4)
                } else {
                    result += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return result + "\""
    }

    /// A NeoMutt double-quoted string: `\`, `"`, `` ` `` and `$` get a backslash, so no command
    /// substitution or variable expansion happens and the string cannot end early. No other
    /// backslash is written (`\n`, `\t`, `\e`, `\c`… would mean something).
    static func neomuttString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "\"", "`", "$": result += "\\"
            default: break
            }
            result.unicodeScalars.append(scalar)
        }
        return result + "\""
    }

    /// The user part of a URL: every byte of the UTF-8 form except the unreserved characters
    /// (letters, digits, `-`, `.`, `_`, `~`) is percent-encoded, so the result is plain ASCII
    /// without quotes, spaces, `@`, `:` or `/`.
    static func urlUserinfo(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let unreserved = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            if unreserved {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%" + hex(UInt32(byte), width: 2)
            }
        }
        return result
    }

    /// `value` in upper-case hexadecimal, zero-padded to `width` digits.
    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
