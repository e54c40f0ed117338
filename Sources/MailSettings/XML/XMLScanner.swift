/// The byte-level, iterative part of ``XMLReader``: it reads checked UTF-8 and builds the tree.
///
/// Open elements live on an explicit stack (never the call stack), so nesting depth costs
/// heap memory bounded by ``XMLLimits/maximumDepth``, not stack frames.
struct XMLScanner {
    private let p: UnsafeBufferPointer<UInt8>
    private let start: Int
    private let end: Int
    private let limits: XMLLimits
    private var i: Int

    /// Open elements, innermost last; children are appended to them as they close.
    private var stack: [XMLNode] = []
    private var root: XMLNode?
    private var elementCount = 0
    /// A reusable buffer for attribute values that need decoding.
    private var scratch: [UInt8] = []

    /// Where the line/column cursor stands; it only moves forward, so positions of all start
    /// tags cost one pass over the document.
    private var cursorOffset: Int
    private var cursorLine = 1
    private var cursorColumn = 1

    private static let lt = UInt8(ascii: "<")
    private static let gt = UInt8(ascii: ">")
    private static let amp = UInt8(ascii: "&")
    private static let slash = UInt8(ascii: "/")
    private static let question = UInt8(ascii: "?")
    private static let bang = UInt8(ascii: "!")
    private static let equals = UInt8(ascii: "=")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")
    private static let semicolon = UInt8(ascii: ";")
    private static let hash = UInt8(ascii: "#")
    private static let dash = UInt8(ascii: "-")
    private static let closingBracket = UInt8(ascii: "]")
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let tab: UInt8 = 0x09
    private static let space: UInt8 = 0x20

    /// Prepares to scan `buffer` from `start`; the bytes must already be valid UTF-8 free of
    /// characters XML refuses.
    init(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, limits: XMLLimits) {
        self.p = buffer
        self.start = start
        self.end = buffer.count
        self.limits = limits
        self.i = start
        self.cursorOffset = start
    }

    /// Reads the whole document and returns its root element.
    mutating func run() throws(XMLError) -> XMLNode {
        while i < end {
            if p[i] == Self.lt {
                guard i + 1 < end else {
                    throw error(.malformed, at: i, "the file ends after '<' — the file is truncated")
                }
                switch p[i + 1] {
                case Self.slash: try endTag()
                case Self.question: try processingInstruction()
                case Self.bang: try markup()
                default: try startTag()
                }
            } else if stack.isEmpty {
                try textOutsideRoot()
            } else {
                try text()
            }
        }
        if let open = stack.last {
            throw XMLError(
                .unclosedElement, line: open.line, column: open.column,
                "<\(open.name)> is never closed — add </\(open.name)>; if it is there, the file is truncated")
        }
        guard let root else {
            throw XMLError(
                .noRootElement, line: nil, column: nil,
                "the document has no element — it is empty or holds only comments; check that this is the right document")
        }
        return root
    }

    // MARK: - Elements

    private mutating func startTag() throws(XMLError) {
        let tagStart = i
        let nameStart = i + 1
        let nameEnd = try scanName(from: nameStart)
        guard nameEnd > nameStart else {
            throw error(
                .malformed, at: tagStart,
                "'<' is not followed by a name — write &lt; for a '<' in text, or complete the tag")
        }
        let name = string(nameStart, nameEnd)
        if stack.isEmpty, let root {
            throw error(
                .contentAfterRoot, at: tagStart,
                "the element <\(name)> follows the root element <\(root.name)>, which is already closed"
                    + " — a document has one root element; remove what follows it")
        }
        guard stack.count < limits.maximumDepth else {
            throw error(
                .tooDeep, at: tagStart,
                "<\(name)> is nested more than \(limits.maximumDepth) elements deep"
                    + " — mail configuration files nest a few levels; this document is not one")
        }
        elementCount += 1
        guard elementCount <= limits.maximumElements else {
            throw error(
                .tooManyElements, at: tagStart,
                "the document has more than \(limits.maximumElements) elements"
                    + " — mail configuration files have a few dozen; this document is not one")
        }
        let (line, column) = position(at: tagStart)
        var node = XMLNode(name: name, localName: localName(of: name, nameStart, nameEnd), line: line, column: column)
        i = nameEnd
        while true {
            let hadSpace = skipSpace()
            guard i < end else { throw truncatedTag(name, at: tagStart) }
            let b = p[i]
            if b == Self.gt {
                i += 1
                stack.append(node)
                return
            }
            if b == Self.slash {
                guard i + 1 < end else { throw truncatedTag(name, at: tagStart) }
                guard p[i + 1] == Self.gt else {
                    throw error(.malformed, at: i, "'/' in the start tag <\(name)> is not followed by '>' — write '/>'")
                }
                i += 2
                close(node)
                return
            }
            let attributeStart = i
            let attributeEnd = try scanName(from: i)
            guard attributeEnd > attributeStart else {
                throw error(
                    .malformed, at: i,
                    "unexpected \(describe(at: i)) in the start tag <\(name)> — a start tag holds"
                        + " the name, then attributes written name=\"value\", then '>' or '/>'")
            }
            guard hadSpace else {
                throw error(
                    .malformed, at: i,
                    "the attributes of <\(name)> are not separated by white space — put a space before each attribute")
            }
            let attributeName = string(attributeStart, attributeEnd)
            i = attributeEnd
            skipSpace()
            guard i < end else { throw truncatedTag(name, at: tagStart) }
            guard p[i] == Self.equals else {
                throw error(
                    .malformed, at: attributeStart,
                    "the attribute \(attributeName) of <\(name)> has no '=' — write \(attributeName)=\"value\"")
            }
            i += 1
            skipSpace()
            guard i < end else { throw truncatedTag(name, at: tagStart) }
            guard p[i] == Self.doubleQuote || p[i] == Self.singleQuote else {
                throw error(
                    .malformed, at: i,
                    "the value of the attribute \(attributeName) of <\(name)> is not in quotes"
                        + " — write \(attributeName)=\"value\"")
            }
            let value = try attributeValue(attributeName, of: name)
            guard node.attributes.count < limits.maximumAttributesPerElement else {
                throw error(
                    .tooManyAttributes, at: tagStart,
                    "<\(name)> has more than \(limits.maximumAttributesPerElement) attributes"
                        + " — mail configuration files use a few; this document is not one")
            }
            for existing in node.attributes where existing.name == attributeName {
                throw error(
                    .duplicateAttribute, at: attributeStart,
                    "<\(name)> has the attribute \(attributeName) twice — keep one")
            }
            node.attributes.append(
                XMLAttribute(name: attributeName, localName: localName(of: attributeName, attributeStart, attributeEnd), value: value))
        }
    }

    private mutating func endTag() throws(XMLError) {
        let tagStart = i
        let nameStart = i + 2
        let nameEnd = try scanName(from: nameStart)
        guard nameEnd > nameStart else {
            if nameStart >= end {
                throw error(.malformed, at: tagStart, "the file ends inside an end tag '</' — the file is truncated")
            }
            throw error(.malformed, at: tagStart, "'</' is not followed by a name — write the end tag as </name>")
        }
        let name = string(nameStart, nameEnd)
        i = nameEnd
        skipSpace()
        guard i < end else {
            throw error(.malformed, at: tagStart, "the file ends inside the end tag </\(name)> — the file is truncated")
        }
        guard p[i] == Self.gt else {
            throw error(
                .malformed, at: i,
                "unexpected \(describe(at: i)) in the end tag </\(name)> — an end tag holds only the name: </\(name)>")
        }
        i += 1
        guard let open = stack.last else {
            if let root {
                throw error(
                    .contentAfterRoot, at: tagStart,
                    "</\(name)> follows the root element <\(root.name)>, which is already closed — remove it")
            }
            throw error(
                .mismatchedTag, at: tagStart,
                "</\(name)> closes an element that was never opened — remove it, or add <\(name)> before it")
        }
        guard open.name == name else {
            throw error(
                .mismatchedTag, at: tagStart,
                "</\(name)> does not match <\(open.name)> (line \(open.line), column \(open.column))"
                    + " — close <\(open.name)> with </\(open.name)> first, or check the spelling")
        }
        close(stack.removeLast())
    }

    /// Attaches a finished element to its parent, or makes it the root.
    private mutating func close(_ node: XMLNode) {
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }

    private func truncatedTag(_ name: String, at offset: Int) -> XMLError {
        error(
            .malformed, at: offset,
            "the file ends inside the start tag <\(name)> — the file is truncated, or a '>' or a quote is missing")
    }

    // MARK: - Attribute values and text

    /// Reads a quoted attribute value at `i` (on its opening quote), decoding references and
    /// normalising white space; leaves `i` after the closing quote.
    private mutating func attributeValue(_ attributeName: String, of elementName: String) throws(XMLError) -> String {
        let quote = p[i]
        let open = i
        i += 1
        let valueStart = i
        // Fast path: nothing to decode or normalise.
        while i < end {
            let b = p[i]
            if b == quote {
                let value = string(valueStart, i)
                i += 1
                return value
            }
            if b == Self.lt || b == Self.amp || b == Self.tab || b == Self.lf || b == Self.cr { break }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[valueStart..<i]))
        while i < end {
            let b = p[i]
            switch b {
            case quote:
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            case Self.lt:
                throw error(
                    .malformed, at: i,
                    "'<' in the value of the attribute \(attributeName) of <\(elementName)> — write &lt; instead")
            case Self.amp:
                let scalar = try reference()
                scratch.append(contentsOf: UTF8.encode(scalar)!)
            case Self.tab, Self.lf:
                scratch.append(Self.space)
                i += 1
            case Self.cr:
                scratch.append(Self.space)
                i += 1
                if i < end && p[i] == Self.lf { i += 1 }
            default:
                scratch.append(b)
                i += 1
            }
        }
        throw error(
            .malformed, at: open,
            "the value of the attribute \(attributeName) of <\(elementName)> never ends"
                + " — the closing quote is missing, or the file is truncated")
    }

    /// Reads character data inside an element up to the next '<', into the open element's text.
    private mutating func text() throws(XMLError) {
        var runStart = i
        while i < end {
            let b = p[i]
            if b == Self.lt { break }
            if b == Self.amp {
                appendText(runStart, i)
                let scalar = try reference()
                stack[stack.count - 1].text.unicodeScalars.append(scalar)
                runStart = i
            } else if b == Self.cr {
                appendText(runStart, i)
                stack[stack.count - 1].text.append("\n")
                i += 1
                if i < end && p[i] == Self.lf { i += 1 }
                runStart = i
            } else {
                i += 1
            }
        }
        appendText(runStart, i)
    }

    /// Appends bytes `from..<to` (free of '\r') to the open element's text.
    @inline(__always)
    private mutating func appendText(_ from: Int, _ to: Int) {
        guard to > from else { return }
        let run = string(from, to)
        if stack[stack.count - 1].text.isEmpty {
            stack[stack.count - 1].text = run
        } else {
            stack[stack.count - 1].text.append(run)
        }
    }

    /// Appends bytes `from..<to` to the open element's text, turning `\r\n` and `\r` into `\n`.
    private mutating func appendNormalisingLineEnds(_ from: Int, _ to: Int) {
        var runStart = from
        var k = from
        while k < to {
            if p[k] == Self.cr {
                appendText(runStart, k)
                stack[stack.count - 1].text.append("\n")
                k += 1
                if k < to && p[k] == Self.lf { k += 1 }
                runStart = k
            } else {
                k += 1
            }
        }
        appendText(runStart, to)
    }

    /// Reads text before or after the root element: only white space may stand there.
    private mutating func textOutsideRoot() throws(XMLError) {
        while i < end && XMLText.isSpace(p[i]) { i += 1 }
        guard i < end, p[i] != Self.lt else { return }
        throw textOutsideRootError(at: i)
    }

    private func textOutsideRootError(at offset: Int) -> XMLError {
        if let root {
            return error(
                .contentAfterRoot, at: offset,
                "text after the root element <\(root.name)> — a document ends with its root element's end tag;"
                    + " remove what follows it")
        }
        return error(
            .malformed, at: offset,
            "text before the root element — an XML document starts with '<' (an XML declaration, a comment or"
                + " the root element); check that this is an XML document")
    }

    /// Decodes the entity or character reference at `i` (on its '&') and moves past its ';'.
    private mutating func reference() throws(XMLError) -> Unicode.Scalar {
        let ampersand = i
        var j = i + 1
        let bare = "'&' does not start a reference (such as &amp; or &#233;) ending in ';'"
            + " — write &amp; for an ampersand"
        guard j < end else { throw error(.malformed, at: ampersand, bare) }
        if p[j] == Self.hash {
            j += 1
            var radix: UInt32 = 10
            if j < end && p[j] == UInt8(ascii: "x") {
                radix = 16
                j += 1
            }
            let digitsStart = j
            var value: UInt32 = 0
            var valid = true
            while j < end && (XMLText.isASCIILetter(p[j]) || (p[j] >= 0x30 && p[j] <= 0x39)) {
                if let digit = Self.digit(p[j], radix: radix) {
                    if value <= 0x10FFFF { value = value * radix + digit }
                } else {
                    valid = false
                }
                j += 1
            }
            guard j < end, p[j] == Self.semicolon else { throw error(.malformed, at: ampersand, bare) }
            let written = Self.clipped(string(ampersand, j + 1))
            guard valid, j > digitsStart else {
                throw error(
                    .invalidCharacterReference, at: ampersand,
                    "\(written) is not a character reference — write &#NNN; with decimal digits or &#xHHHH; with hexadecimal ones")
            }
            guard Self.isXMLCharacter(value), let scalar = Unicode.Scalar(value) else {
                throw error(
                    .invalidCharacterReference, at: ampersand,
                    "\(written) refers to a character XML 1.0 does not allow — remove it")
            }
            i = j + 1
            return scalar
        }
        let nameEnd = try scanName(from: j)
        guard nameEnd > j, nameEnd < end, p[nameEnd] == Self.semicolon else {
            throw error(.malformed, at: ampersand, bare)
        }
        let scalar: Unicode.Scalar
        switch nameEnd - j {
        case 2 where p[j] == UInt8(ascii: "l") && p[j + 1] == UInt8(ascii: "t"): scalar = "<"
        case 2 where p[j] == UInt8(ascii: "g") && p[j + 1] == UInt8(ascii: "t"): scalar = ">"
        case 3 where p[j] == UInt8(ascii: "a") && p[j + 1] == UInt8(ascii: "m") && p[j + 2] == UInt8(ascii: "p"):
            scalar = "&"
        case 4 where string(j, nameEnd) == "quot": scalar = "\""
        case 4 where string(j, nameEnd) == "apos": scalar = "'"
        default:
            throw error(
                .unknownEntity, at: ampersand,
                "unknown entity &\(string(j, nameEnd)); — XML knows only &amp; &lt; &gt; &quot; &apos;"
                    + " (no DTD is read); write the character itself or a reference like &#233;")
        }
        i = nameEnd + 1
        return scalar
    }

    private static func digit(_ b: UInt8, radix: UInt32) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x61...0x66 where radix == 16: return UInt32(b - 0x61 + 10)
        case 0x41...0x46 where radix == 16: return UInt32(b - 0x41 + 10)
        default: return nil
        }
    }

    /// XML 1.0's Char production.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    private static func clipped(_ text: String) -> String { XMLText.clip(text) }

    // MARK: - Comments, CDATA, processing instructions, declarations

    private mutating func processingInstruction() throws(XMLError) {
        let piStart = i
        let targetStart = i + 2
        let targetEnd = try scanName(from: targetStart)
        guard targetEnd > targetStart else {
            if targetStart >= end {
                throw error(.malformed, at: piStart, "the file ends inside '<?' — the file is truncated")
            }
            throw error(
                .malformed, at: piStart,
                "'<?' is not followed by a name — a processing instruction is written <?name …?>;"
                    + " write &lt; for a '<' in text")
        }
        var j = targetEnd
        while j + 1 < end {
            if p[j] == Self.question && p[j + 1] == Self.gt {
                i = j + 2
                return
            }
            j += 1
        }
        throw error(
            .malformed, at: piStart,
            "the processing instruction <?\(string(targetStart, targetEnd)) never ends with '?>' — the file is truncated")
    }

    /// Reads `<!…`: a comment, a CDATA section, or a refused declaration.
    private mutating func markup() throws(XMLError) {
        let markupStart = i
        if hasPrefix("<!--") {
            var j = i + 4
            while j + 2 < end {
                if p[j] == Self.dash && p[j + 1] == Self.dash && p[j + 2] == Self.gt {
                    i = j + 3
                    return
                }
                j += 1
            }
            throw error(
                .malformed, at: markupStart,
                "the comment never ends with '-->' — close it, or the file is truncated")
        }
        if hasPrefix("<![CDATA[") {
            guard !stack.isEmpty else { throw textOutsideRootError(at: markupStart) }
            let contentStart = i + 9
            var j = contentStart
            while j + 2 < end {
                if p[j] == Self.closingBracket && p[j + 1] == Self.closingBracket && p[j + 2] == Self.gt {
                    appendNormalisingLineEnds(contentStart, j)
                    i = j + 3
                    return
                }
                j += 1
            }
            throw error(
                .malformed, at: markupStart,
                "the CDATA section never ends with ']]>' — close it, or the file is truncated")
        }
        for keyword in ["DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST", "NOTATION"] where hasPrefix("<!" + keyword, caseInsensitive: true) {
            throw error(
                .doctypeNotAllowed, at: markupStart,
                "the document has a <!\(keyword)> declaration, which is refused for safety"
                    + " (it can define entities that read local files, fetch URLs or expand without end)"
                    + " — remove it; mail configuration files never need one")
        }
        let remaining = end - i
        if (remaining < 4 && hasPrefixTruncated("<!--")) || (remaining < 9 && hasPrefixTruncated("<![CDATA[")) {
            throw error(.malformed, at: markupStart, "the file ends inside '<!' — the file is truncated")
        }
        throw error(
            .malformed, at: markupStart,
            "'<!' starts neither a comment (<!-- … -->) nor a CDATA section (<![CDATA[ … ]]>) — write &lt; for a '<' in text")
    }

    // MARK: - Low-level helpers

    /// Whether the input at `i` starts with `prefix` (ASCII).
    private func hasPrefix(_ prefix: StaticString, caseInsensitive: Bool = false) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - i >= count else { return false }
        let bytes = prefix.utf8Start
        for k in 0..<count {
            let expected = bytes[k]
            let actual = p[i + k]
            if actual == expected { continue }
            if caseInsensitive && XMLText.isASCIILetter(expected) && actual | 0x20 == expected | 0x20 { continue }
            return false
        }
        return true
    }

    private func hasPrefix(_ prefix: String, caseInsensitive: Bool) -> Bool {
        var k = i
        for expected in prefix.utf8 {
            guard k < end else { return false }
            let actual = p[k]
            if actual != expected
                && !(caseInsensitive && XMLText.isASCIILetter(expected) && actual | 0x20 == expected | 0x20)
            {
                return false
            }
            k += 1
        }
        return true
    }

    /// Whether all remaining input is a beginning of `prefix`.
    private func hasPrefixTruncated(_ prefix: StaticString) -> Bool {
        let bytes = prefix.utf8Start
        var k = 0
        while i + k < end {
            guard k < prefix.utf8CodeUnitCount, p[i + k] == bytes[k] else { return false }
            k += 1
        }
        return true
    }

    /// Skips XML white space; says whether there was any.
    @discardableResult
    @inline(__always)
    private mutating func skipSpace() -> Bool {
        let before = i
        while i < end && XMLText.isSpace(p[i]) { i += 1 }
        return i > before
    }

    /// Scans an XML Name at `from`; returns where it ends (`from` itself when there is none).
    private func scanName(from: Int) throws(XMLError) -> Int {
        var k = from
        guard k < end else { return from }
        let first = p[k]
        if first < 0x80 {
            guard XMLText.isASCIILetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") else {
                return from
            }
            k += 1
        } else {
            let (scalar, length) = decode(at: k)
            guard Self.isNameStart(scalar) else { return from }
            k += length
        }
        let limit = from + limits.maximumNameLength
        while k < end {
            let b = p[k]
            if b < 0x80 {
                guard XMLText.isASCIILetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
                    || b == UInt8(ascii: ":") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
                else { break }
                k += 1
            } else {
                let (scalar, length) = decode(at: k)
                guard Self.isNameStart(scalar) || Self.isNameContinuation(scalar) else { break }
                k += length
            }
            if k > limit { break }
        }
        guard k - from <= limits.maximumNameLength else {
            throw error(
                .nameTooLong, at: from,
                "a name longer than \(limits.maximumNameLength) bytes (it starts \"\(Self.clipped(string(from, from + 24)))\")"
                    + " — names in mail configuration files are short; this document is not one")
        }
        return k
    }

    /// NameStartChar, for characters outside ASCII.
    private static func isNameStart(_ v: UInt32) -> Bool {
        switch v {
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
            0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    /// The NameChar additions to NameStartChar, for characters outside ASCII.
    private static func isNameContinuation(_ v: UInt32) -> Bool {
        v == 0xB7 || (0x300...0x36F).contains(v) || v == 0x203F || v == 0x2040
    }

    /// Decodes the (valid) UTF-8 sequence at `k`.
    @inline(__always)
    private func decode(at k: Int) -> (UInt32, Int) {
        let b = UInt32(p[k])
        if b < 0x80 { return (b, 1) }
        if b < 0xE0 { return ((b & 0x1F) << 6 | UInt32(p[k + 1] & 0x3F), 2) }
        if b < 0xF0 {
            return ((b & 0x0F) << 12 | UInt32(p[k + 1] & 0x3F) << 6 | UInt32(p[k + 2] & 0x3F), 3)
        }
        return (
            (b & 0x07) << 18 | UInt32(p[k + 1] & 0x3F) << 12 | UInt32(p[k + 2] & 0x3F) << 6
                | UInt32(p[k + 3] & 0x3F), 4
        )
    }

    /// The local part of the name `name`, which is the bytes `from..<to`.
    @inline(__always)
    private func localName(of name: String, _ from: Int, _ to: Int) -> String {
        var k = to
        while k > from {
            if p[k - 1] == UInt8(ascii: ":") { return k == to ? "" : string(k, to) }
            k -= 1
        }
        return name
    }

    /// The bytes `from..<to` as a string (clamped to the input, and to whole characters).
    @inline(__always)
    private func string(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: p[from..<min(to, end)]), as: UTF8.self)
    }

    /// Describes the character at `offset` for an error message: `'x'` or `U+00A0`.
    private func describe(at offset: Int) -> String {
        let (value, _) = decode(at: offset)
        if value > 0x20 && value < 0x7F, let scalar = Unicode.Scalar(value) {
            return "'\(Character(scalar))'"
        }
        return "character \(XMLText.codePoint(value))"
    }

    /// The line and column of `offset`, moving the forward-only cursor.
    private mutating func position(at offset: Int) -> (line: Int, column: Int) {
        guard offset >= cursorOffset else { return XMLPosition.of(offset, in: p, from: start) }
        var k = cursorOffset
        var line = cursorLine
        var column = cursorColumn
        while k < offset {
            if k + 8 <= offset && XMLText.isPrintableASCII8(p, at: k) {
                k += 8
                column += 8
                continue
            }
            let b = p[k]
            if b == Self.lf {
                line += 1
                column = 1
            } else if b == Self.cr {
                line += 1
                column = 1
                if k + 1 < offset && p[k + 1] == Self.lf { k += 1 }
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            k += 1
        }
        cursorOffset = k
        cursorLine = line
        cursorColumn = column
        return (line, column)
    }

    private func error(_ code: XMLError.Code, at offset: Int, _ message: String) -> XMLError {
        let (line, column) = XMLPosition.of(offset, in: p, from: start)
        return XMLError(code, line: line, column: column, message)
    }
}
