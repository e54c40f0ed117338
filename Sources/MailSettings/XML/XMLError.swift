/// Why an XML document was refused by ``XMLReader``.
///
/// The ``description`` is one line for people: where the problem is (when known), what is wrong
/// and what to do, as in `line 12, column 5: </server> does not close <incomingServer> … — …`.
/// Programs match on ``code``:
///
/// ```swift
/// do {
///     let root = try XMLReader.parse(bytes)
/// } catch where error.code == .doctypeNotAllowed {
///     // …
/// }
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a default branch.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. Compare with the static members, such as `.malformed`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case tooLarge
            case tooDeep
            case tooManyElements
            case tooManyAttributes
            case nameTooLong
            case doctypeNotAllowed
            case unknownEntity
            case invalidCharacterReference
            case malformed
            case mismatchedTag
            case unclosedElement
            case noRootElement
            case contentAfterRoot
            case duplicateAttribute
            case invalidEncoding
            case unsupportedEncoding
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// The document is larger than ``XMLLimits/maximumBytes``; nothing of it was read.
        public static let tooLarge = Code(.tooLarge)
        /// Elements are nested deeper than ``XMLLimits/maximumDepth``.
        public static let tooDeep = Code(.tooDeep)
        /// The document has more elements than ``XMLLimits/maximumElements``.
        public static let tooManyElements = Code(.tooManyElements)
        /// An element has more attributes than ``XMLLimits/maximumAttributesPerElement``.
        public static let tooManyAttributes = Code(.tooManyAttributes)
        /// An element, attribute, entity or processing-instruction name is longer than
        /// ``XMLLimits/maximumNameLength``.
        public static let nameTooLong = Code(.nameTooLong)
        /// The document has a `<!DOCTYPE …>` (or another DTD declaration). It is refused for
        /// safety: nothing is ever fetched or expanded.
        public static let doctypeNotAllowed = Code(.doctypeNotAllowed)
        /// An entity reference other than `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`.
        public static let unknownEntity = Code(.unknownEntity)
        /// A character reference (`&#…;` or `&#x…;`) that is not a number or not a character
        /// XML 1.0 allows.
        public static let invalidCharacterReference = Code(.invalidCharacterReference)
        /// The text is not well-formed XML: a stray `<` or `&`, a broken tag or attribute,
        /// a control character, a comment, CDATA section or tag that never ends, and the like.
        public static let malformed = Code(.malformed)
        /// An end tag does not match the element that is open.
        public static let mismatchedTag = Code(.mismatchedTag)
        /// The document ends while an element is still open.
        public static let unclosedElement = Code(.unclosedElement)
        /// The document has no element at all.
        public static let noRootElement = Code(.noRootElement)
        /// Something other than comments, processing instructions and white space follows the
        /// root element.
        public static let contentAfterRoot = Code(.contentAfterRoot)
        /// An element has the same attribute twice.
        public static let duplicateAttribute = Code(.duplicateAttribute)
        /// The bytes are not valid in the document's encoding (declared, or UTF-8 when none is declared).
        public static let invalidEncoding = Code(.invalidEncoding)
        /// The document is in an encoding this reader does not read (UTF-16, UTF-32, or a
        /// declared encoding other than UTF-8, US-ASCII and ISO-8859-1).
        public static let unsupportedEncoding = Code(.unsupportedEncoding)

        /// The code's name, such as `malformed`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem was found.
    public var code: Code
    /// The 1-based line of the problem, when it has one.
    public var line: Int?
    /// The 1-based column (in characters) of the problem, when it has one.
    public var column: Int?
    /// One line for people: `line L, column C: what is wrong — what to do`.
    public var description: String

    /// Creates an error; the description is prefixed with the position when there is one.
    init(_ code: Code, line: Int?, column: Int?, _ message: String) {
        self.code = code
        self.line = line
        self.column = column
        if let line, let column {
            self.description = "line \(line), column \(column): \(message)"
        } else if let line {
            self.description = "line \(line): \(message)"
        } else {
            self.description = message
        }
    }
}
