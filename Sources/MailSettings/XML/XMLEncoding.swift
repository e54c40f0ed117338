/// Encoding detection, validation and transcoding for ``XMLReader``.
enum XMLEncoding {
    /// The encodings the reader knows, by what the XML declaration says.
    enum Kind: Equatable {
        case utf8
        case ascii
        case latin1
        case unsupported

        /// Classifies a declared encoding name (case-insensitive, per the IANA names and common aliases).
        init(_ declared: String) {
            switch declared.lowercased() {
            case "utf-8", "utf8":
                self = .utf8
            case "us-ascii", "ascii":
                self = .ascii
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "iso-ir-100":
                self = .latin1
            default:
                self = .unsupported
            }
        }
    }

    /// How the encoding of bytes being validated was decided, for the error message.
    enum Label {
        /// Nothing declared: UTF-8 is assumed.
        case assumed
        /// The XML declaration names this encoding (UTF-8, or US-ASCII after a UTF-8 byte order mark).
        case declared(String)
        /// The bytes are already known to be UTF-8 (a Swift string, or transcoded text):
        /// only the characters XML refuses are looked for.
        case decoded
    }

    /// Whether the bytes start with the UTF-8 byte order mark EF BB BF.
    static func hasUTF8BOM(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
        p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF
    }

    /// Refuses UTF-16 and UTF-32, recognised by their byte order marks or, without one, by the
    /// zero bytes around the document's first `<`.
    static func refuseWideEncodings(_ p: UnsafeBufferPointer<UInt8>) throws(XMLError) {
        func byte(_ index: Int) -> Int { index < p.count ? Int(p[index]) : -1 }
        let name: String?
        if byte(0) == 0x00 && byte(1) == 0x00 && byte(2) == 0xFE && byte(3) == 0xFF {
            name = "UTF-32 (big-endian byte order mark)"
        } else if byte(0) == 0xFF && byte(1) == 0xFE && byte(2) == 0x00 && byte(3) == 0x00 {
            name = "UTF-32 (little-endian byte order mark)"
        } else if byte(0) == 0xFE && byte(1) == 0xFF {
            name = "UTF-16 (big-endian byte order mark)"
        } else if byte(0) == 0xFF && byte(1) == 0xFE {
            name = "UTF-16 (little-endian byte order mark)"
        } else if byte(0) == 0x00 && byte(1) == 0x3C {
            name = "UTF-16 or UTF-32 (big-endian, without a byte order mark)"
        } else if byte(0) == 0x3C && byte(1) == 0x00 {
            name = "UTF-16 or UTF-32 (little-endian, without a byte order mark)"
        } else {
            name = nil
        }
        if let name {
            throw XMLError(
                .unsupportedEncoding, line: 1, column: 1,
                "the file is encoded in \(name), which is not read here — save the file as UTF-8")
        }
    }

    /// The encoding named by the XML declaration at `start` (white space before it is
    /// tolerated), with the offset of the declaration; `nil` when there is no declaration or
    /// it names no encoding.
    static func declaredEncoding(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int
    ) throws(XMLError) -> (name: String, offset: Int)? {
        let n = p.count
        var i = start
        while i < n && XMLText.isSpace(p[i]) { i += 1 }
        let declarationStart = i
        let opening: [UInt8] = Array("<?xml".utf8)
        guard i + 5 < n else { return nil }
        for k in 0..<5 where p[i + k] != opening[k] { return nil }
        guard XMLText.isSpace(p[i + 5]) else { return nil }
        i += 5

        func fail(_ offset: Int, _ message: String) -> XMLError {
            let (line, column) = XMLPosition.of(offset, in: p, from: start)
            return XMLError(.malformed, line: line, column: column, message)
        }
        let neverEnds = "the XML declaration <?xml … never ends with '?>' — the file is truncated or the declaration is broken"
        var encoding: String?
        while true {
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            guard i < n else { throw fail(declarationStart, neverEnds) }
            if p[i] == UInt8(ascii: "?") {
                guard i + 1 < n, p[i + 1] == UInt8(ascii: ">") else {
                    throw fail(i, "'?' in the XML declaration is not followed by '>' — end the declaration with '?>'")
                }
                return encoding.map { ($0, declarationStart) }
            }
            let nameStart = i
            while i < n && XMLText.isASCIILetter(p[i]) && i - nameStart < 64 { i += 1 }
            guard i > nameStart else {
                throw fail(i, "unexpected character in the XML declaration — write it as <?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            }
            let name = String(decoding: UnsafeBufferPointer(rebasing: p[nameStart..<i]), as: UTF8.self)
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            guard i < n else { throw fail(declarationStart, neverEnds) }
            guard p[i] == UInt8(ascii: "=") else {
                throw fail(nameStart, "\(name) in the XML declaration has no '=' — write \(name)=\"…\"")
            }
            i += 1
            while i < n && XMLText.isSpace(p[i]) { i += 1 }
            guard i < n else { throw fail(declarationStart, neverEnds) }
            let quote = p[i]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
                throw fail(i, "the value of \(name) in the XML declaration is not in quotes — write \(name)=\"…\"")
            }
            i += 1
            let valueStart = i
            while i < n && p[i] != quote && p[i] != UInt8(ascii: ">") { i += 1 }
            guard i < n, p[i] == quote else { throw fail(declarationStart, neverEnds) }
            if name == "encoding" {
                encoding = String(decoding: UnsafeBufferPointer(rebasing: p[valueStart..<i]), as: UTF8.self)
            }
            i += 1
        }
    }

    /// Checks that the bytes from `start` are UTF-8 and hold only characters XML 1.0 allows.
    static func validateUTF8(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, label: Label
    ) throws(XMLError) {
        let n = p.count
        var i = start
        while i < n {
            if i + 8 <= n && XMLText.isPrintableASCII8(p, at: i) {
                i += 8
                continue
            }
            let b = p[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                    throw controlCharacter(UInt32(b), at: i, in: p, from: start)
                }
                i += 1
                continue
            }
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: length = 0
            }
            var valid = length > 0 && i + length <= n
            if valid {
                valid = p[i + 1] >= low && p[i + 1] <= high
                var k = 2
                while valid && k < length {
                    valid = p[i + k] & 0xC0 == 0x80
                    k += 1
                }
            }
            guard valid else { throw invalidUTF8(at: i, in: p, from: start, label: label) }
            if b == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE {
                throw controlCharacter(p[i + 2] == 0xBE ? 0xFFFE : 0xFFFF, at: i, in: p, from: start)
            }
            i += length
        }
    }

    /// Checks that the bytes from `start` are ASCII and hold only characters XML 1.0 allows.
    static func validateASCII(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, declared: String
    ) throws(XMLError) {
        for i in start..<max(start, p.count) {
            let b = p[i]
            if b >= 0x80 {
                let (line, column) = XMLPosition.of(i, in: p, from: start)
                throw XMLError(
                    .invalidEncoding, line: line, column: column,
                    "the file declares \(declared) but byte \(XMLText.hex(b)) is not ASCII, so it is mislabelled"
                        + " — declare its real encoding (UTF-8 or ISO-8859-1), or save it as UTF-8")
            }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                throw controlCharacter(UInt32(b), at: i, in: p, from: start)
            }
        }
    }

    /// The ISO-8859-1 bytes from `start`, as UTF-8 (every byte is a valid ISO-8859-1 character).
    static func transcodeLatin1(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(p.count - start + p.count / 8)
        for i in start..<max(start, p.count) {
            let b = p[i]
            if b < 0x80 {
                output.append(b)
            } else {
                output.append(0xC0 | (b >> 6))
                output.append(0x80 | (b & 0x3F))
            }
        }
        return output
    }

    private static func controlCharacter(
        _ value: UInt32, at offset: Int, in p: UnsafeBufferPointer<UInt8>, from start: Int
    ) -> XMLError {
        let (line, column) = XMLPosition.of(offset, in: p, from: start)
        return XMLError(
            .malformed, line: line, column: column,
            "the character \(XMLText.codePoint(value)) is not allowed in XML 1.0"
                + " — remove it; the file may be binary or damaged")
    }

    private static func invalidUTF8(
        at offset: Int, in p: UnsafeBufferPointer<UInt8>, from start: Int, label: Label
    ) -> XMLError {
        let (line, column) = XMLPosition.of(offset, in: p, from: start)
        let byte = XMLText.hex(p[offset])
        let message: String
        switch label {
        case .assumed, .decoded:
            message = "byte \(byte) is not valid UTF-8, and the file declares no encoding, so it must be UTF-8"
                + " — save the file as UTF-8, or declare its real encoding"
                + " (such as <?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)"
        case .declared(let name):
            message = "the file declares \(XMLText.clip(name)) but byte \(byte) is not valid UTF-8, so it is mislabelled"
                + " — save the file as UTF-8, or declare its real encoding (such as ISO-8859-1)"
        }
        return XMLError(.invalidEncoding, line: line, column: column, message)
    }
}

/// Turns byte offsets into the 1-based line and column people see.
enum XMLPosition {
    /// The line and column of `offset`, counting from `start`. Line ends are `\n`, `\r\n` and
    /// `\r`; columns count characters (UTF-8 lead bytes), not bytes.
    static func of(_ offset: Int, in p: UnsafeBufferPointer<UInt8>, from start: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = start
        let end = min(offset, p.count)
        while i < end {
            let b = p[i]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b == 0x0D {
                line += 1
                column = 1
                if i + 1 < end && p[i + 1] == 0x0A { i += 1 }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }
}

/// Small character helpers shared by the reader's parts.
enum XMLText {
    /// XML white space: space, tab, line feed, carriage return.
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
    }

    /// An ASCII letter.
    @inline(__always)
    static func isASCIILetter(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
    }

    /// Whether the eight bytes at `offset` (which must exist) are all ASCII from space up:
    /// no line end, tab, control character or UTF-8 sequence among them.
    @inline(__always)
    static func isPrintableASCII8(_ p: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let word = UnsafeRawPointer(p.baseAddress! + offset).loadUnaligned(as: UInt64.self)
        let high: UInt64 = 0x8080_8080_8080_8080
        let belowSpace = (word &- 0x2020_2020_2020_2020) & ~word & high
        return (word & high) | belowSpace == 0
    }

    /// A byte as `0xE9`.
    static func hex(_ b: UInt8) -> String {
        let digits = String(b, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }

    /// A code point as `U+0000`.
    static func codePoint(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The text, shortened to at most 40 characters for an error message.
    static func clip(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(37)) + "…"
    }
}
