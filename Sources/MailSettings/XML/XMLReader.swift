/// A small, safe reader for the XML of mail configuration documents (Mozilla autoconfig
/// files, Autodiscover responses and the like).
///
/// It reads XML 1.0 elements, attributes, character data, CDATA sections, comments and
/// processing instructions, and refuses everything that makes XML parsers an attack surface:
///
/// - a `<!DOCTYPE …>` anywhere is an error, so no entity is ever defined, expanded or fetched;
///   only the five predefined entities and character references are decoded;
/// - the size is checked before anything else, and depth, element count, attributes per
///   element and name length are checked while reading (see ``XMLLimits``); the reader is
///   iterative, so deep nesting cannot exhaust the stack, and memory stays proportional to the
///   input;
/// - the encoding is UTF-8 (with or without a byte order mark), or US-ASCII or ISO-8859-1 when
///   the XML declaration says so; UTF-16, UTF-32 and other encodings are refused, and bytes not
///   valid in the encoding are reported with their position.
///
/// Namespaces are not resolved; ``XMLNode/localName`` and the lookup helpers make prefixes
/// easy to ignore. Comments, processing instructions and the XML declaration are skipped.
///
/// ```swift
/// let root = try XMLReader.parse(bytes)
/// for server in root.child(named: "emailProvider")?.children(named: "incomingServer") ?? [] {
///     print(server.attribute("type") ?? "?", server.child(named: "hostname")?.text ?? "")
/// }
/// ```
public enum XMLReader {
    /// Parses a document given as bytes and returns its root element.
    ///
    /// The encoding is taken from a byte order mark or the XML declaration, and is UTF-8 when
    /// neither says otherwise.
    ///
    /// - Parameters:
    ///   - bytes: The document.
    ///   - limits: The bounds to enforce.
    /// - Returns: The root element, with its descendants.
    /// - Throws: ``XMLError`` when the document is too large, malformed, hostile or in an
    ///   encoding this reader does not read.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) throws(XMLError) -> XMLNode {
        guard bytes.count <= limits.maximumBytes else {
            throw tooLarge(bytes.count, limits)
        }
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(XMLError) -> XMLNode in
                try parseEncoded(buffer, limits: limits)
            }
        }
        return try result.get()
    }

    /// Parses a document given as text and returns its root element.
    ///
    /// The text is already decoded, so an `encoding` in its XML declaration is ignored.
    /// The size limit applies to the text's UTF-8 form.
    ///
    /// - Parameters:
    ///   - text: The document.
    ///   - limits: The bounds to enforce.
    /// - Returns: The root element, with its descendants.
    /// - Throws: ``XMLError`` when the document is too large, malformed or hostile.
    public static func parse(_ text: String, limits: XMLLimits = XMLLimits()) throws(XMLError) -> XMLNode {
        let count = text.utf8.count
        guard count <= limits.maximumBytes else {
            throw tooLarge(count, limits)
        }
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(XMLError) -> XMLNode in
                var start = 0
                if XMLEncoding.hasUTF8BOM(buffer) { start = 3 }
                try XMLEncoding.validateUTF8(buffer, from: start, label: .decoded)
                var scanner = XMLScanner(buffer, from: start, limits: limits)
                return try scanner.run()
            }
        }
        return try result.get()
    }

    private static func tooLarge(_ count: Int, _ limits: XMLLimits) -> XMLError {
        XMLError(
            .tooLarge, line: nil, column: nil,
            "the document is \(count) bytes, more than the limit of \(limits.maximumBytes) bytes"
                + " — mail configuration files are a few kilobytes; check that this is the right document"
        )
    }

    /// Works out the encoding, checks or transcodes the bytes, and scans them.
    private static func parseEncoded(
        _ buffer: UnsafeBufferPointer<UInt8>, limits: XMLLimits
    ) throws(XMLError) -> XMLNode {
        try XMLEncoding.refuseWideEncodings(buffer)
        let hasBOM = XMLEncoding.hasUTF8BOM(buffer)
        let start = hasBOM ? 3 : 0
        let declaration = try XMLEncoding.declaredEncoding(buffer, from: start)
        switch declaration.map({ XMLEncoding.Kind($0.name) }) {
        case nil, .utf8?:
            try XMLEncoding.validateUTF8(
                buffer, from: start, label: declaration == nil ? .assumed : .declared(declaration!.name))
        case .ascii?:
            if hasBOM {
                try XMLEncoding.validateUTF8(buffer, from: start, label: .declared(declaration!.name))
            } else {
                try XMLEncoding.validateASCII(buffer, from: start, declared: declaration!.name)
            }
        case .latin1?:
            if hasBOM {
                let (line, column) = XMLPosition.of(declaration!.offset, in: buffer, from: start)
                throw XMLError(
                    .invalidEncoding, line: line, column: column,
                    "the file starts with a UTF-8 byte order mark but declares encoding \"\(declaration!.name)\""
                        + " — make them agree: save the file as UTF-8 and declare encoding=\"UTF-8\"")
            }
            let utf8 = XMLEncoding.transcodeLatin1(buffer, from: start)
            let result = utf8.withUnsafeBufferPointer { converted in
                Result { () throws(XMLError) -> XMLNode in
                    try XMLEncoding.validateUTF8(converted, from: 0, label: .decoded)
                    var scanner = XMLScanner(converted, from: 0, limits: limits)
                    return try scanner.run()
                }
            }
            return try result.get()
        case .unsupported?:
            let (line, column) = XMLPosition.of(declaration!.offset, in: buffer, from: start)
            throw XMLError(
                .unsupportedEncoding, line: line, column: column,
                "the file declares encoding \"\(XMLText.clip(declaration!.name))\", which is not read here"
                    + " (only UTF-8, US-ASCII and ISO-8859-1 are) — save the file as UTF-8")
        }
        var scanner = XMLScanner(buffer, from: start, limits: limits)
        return try scanner.run()
    }
}
