/// Reads Mozilla autoconfig files (`clientConfig` v1.1, and v1.2 of the IETF draft in
/// `draft-ietf-mailmaint-autoconfig`) into a ``ClientConfig``, leniently, the way Thunderbird does:
///
/// - unknown elements and attributes are never an error;
/// - a server block with an unknown `type` is ignored with a warning; one whose host name, port,
///   `socketType` or authentication cannot be used is dropped with an error (never repaired),
///   and the other blocks are still read;
/// - among repeated values the first is read (`hostname`, `port`, `username`), or the first known
///   one (`socketType`); known `authentication` methods are all kept, in order;
/// - the quirks of real ISPDB files are tolerated (`%EMAILDOMAIN%` in host names, `<enable>` at
///   the root, `ews`/`owa`/`graph`/`exchange` blocks, `%EMAILADDRESS` without its closing `%`).
///
/// Bytes that are not well-formed XML, or that the XML reader refuses as hostile (DTDs and
/// entities, oversized or too deeply nested documents), give a document with one error and no
/// servers. Parsing never throws and never touches the network or the disk.
///
/// ```swift
/// let config = ClientConfigParser.parse(Array(fileContents.utf8))
/// print(config.isValid, config.errors.map(\.description))
/// ```
public enum ClientConfigParser {
    /// Parses the bytes of a file (UTF-8, or the encoding its XML declaration names, as far as
    /// ``XMLReader`` supports it).
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) -> ClientConfig {
        let root: XMLNode
        do {
            root = try XMLReader.parse(bytes, limits: limits)
        } catch {
            return notXML(error)
        }
        return parse(root)
    }

    /// Parses a document given as text.
    public static func parse(_ text: String, limits: XMLLimits = XMLLimits()) -> ClientConfig {
        parse(Array(text.utf8), limits: limits)
    }

    /// Reads an already parsed XML tree whose root should be `<clientConfig>`.
    public static func parse(_ root: XMLNode) -> ClientConfig {
        var reader = ClientConfigReader()
        reader.read(root)
        return reader.config
    }

    /// The document for bytes the XML reader refused: one error, with the reader's line.
    static func notXML(_ error: XMLError) -> ClientConfig {
        var detail = error.description
        // The reader's text starts with "line L, column C: "; the line goes to the diagnostic's own field.
        if let line = error.line, detail.hasPrefix("line \(line), ") {
            detail = String(detail.dropFirst("line \(line), ".count))
        }
        let message = "the file is not usable XML (\(detail)); nothing in it can be read"
        return ClientConfig(diagnostics: [ClientConfigDiagnostic(.error, .notXML, line: error.line, message)])
    }
}
