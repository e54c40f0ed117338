/// An element of a document parsed by ``XMLReader``.
///
/// Namespaces are not resolved: ``name`` is the name as written, prefix included, and
/// ``localName`` is what follows the last `:`. The lookup helpers match local names, so
/// `<a:Protocol>` is found by `child(named: "Protocol")` whatever its prefix.
public struct XMLNode: Sendable, Hashable {
    /// The name as written, prefix included (`a:Protocol`).
    public var name: String
    /// The name after the last `:` (`Protocol`), or the whole name when it has no prefix.
    public var localName: String
    /// The attributes in document order.
    public var attributes: [XMLAttribute]
    /// The child elements in document order.
    public var children: [XMLNode]
    /// This element's own character data, concatenated in document order: text between its
    /// tags (entity and character references decoded, line ends normalised to `\n`) and its
    /// CDATA sections. The text of child elements is not included, and nothing is trimmed.
    public var text: String
    /// The 1-based line of the start tag.
    public var line: Int
    /// The 1-based column (in characters) of the start tag's `<`.
    public var column: Int

    /// Creates an element, for instance to build the expected value in a test.
    ///
    /// - Parameters:
    ///   - name: The name as written, prefix included; ``localName`` is derived from it.
    ///   - attributes: The attributes in document order.
    ///   - children: The child elements in document order.
    ///   - text: The element's own character data.
    ///   - line: The 1-based line of the start tag.
    ///   - column: The 1-based column of the start tag's `<`.
    public init(
        name: String,
        attributes: [XMLAttribute] = [],
        children: [XMLNode] = [],
        text: String = "",
        line: Int = 1,
        column: Int = 1
    ) {
        self.name = name
        self.localName = XMLNode.localPart(of: name)
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
        self.column = column
    }

    /// Creates an element whose local name is already known (for the reader).
    init(name: String, localName: String, line: Int, column: Int) {
        self.name = name
        self.localName = localName
        self.attributes = []
        self.children = []
        self.text = ""
        self.line = line
        self.column = column
    }

    /// The value of the first attribute whose name is `name`; failing that, of the first whose
    /// local name is `name`. `nil` when there is neither.
    public func attribute(_ name: String) -> String? {
        for attribute in attributes where attribute.name == name {
            return attribute.value
        }
        for attribute in attributes where attribute.localName == name {
            return attribute.value
        }
        return nil
    }

    /// The child elements whose local name is `localName`, in document order.
    public func children(named localName: String) -> [XMLNode] {
        children.filter { $0.localName == localName }
    }

    /// The first child element whose local name is `localName`, or `nil`.
    public func child(named localName: String) -> XMLNode? {
        children.first { $0.localName == localName }
    }

}

extension XMLNode {
    /// The part of a qualified name after its last `:`.
    static func localPart(of name: String) -> String {
        guard let colon = name.utf8.lastIndex(of: UInt8(ascii: ":")) else { return name }
        return String(name[name.utf8.index(after: colon)...])
    }
}

/// An attribute of an ``XMLNode``.
public struct XMLAttribute: Sendable, Hashable {
    /// The name as written, prefix included (`xml:lang`).
    public var name: String
    /// The name after the last `:` (`lang`), or the whole name when it has no prefix.
    public var localName: String
    /// The value, with references decoded and white space normalised as XML requires
    /// (each tab, line end and newline becomes a space; nothing is trimmed).
    public var value: String

    /// Creates an attribute; ``localName`` is derived from `name`.
    ///
    /// - Parameters:
    ///   - name: The name as written, prefix included.
    ///   - value: The (decoded) value.
    public init(name: String, value: String) {
        self.name = name
        self.localName = XMLNode.localPart(of: name)
        self.value = value
    }
}

extension XMLAttribute {
    /// Creates an attribute whose local name is already known (for the reader).
    init(name: String, localName: String, value: String) {
        self.name = name
        self.localName = localName
        self.value = value
    }
}
