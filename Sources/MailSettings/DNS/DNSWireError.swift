/// Why DNS bytes could not be read (``DNSMessage/init(bytes:)``) or a name could not be
/// written (``DNSQuery``).
///
/// The ``description`` is one line for people, saying where the problem is and what it is.
/// Programs match on ``code``:
///
/// ```swift
/// do {
///     let message = try DNSMessage(bytes: datagram)
/// } catch where error.code == .pointerLoop {
///     // …
/// }
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a default branch.
public struct DNSWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. Compare with the static members, such as `.truncated`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case emptyMessage
            case tooLarge
            case truncated
            case countMismatch
            case recordLengthPastEnd
            case badRDataLength
            case trailingGarbage
            case pointerLoop
            case pointerForward
            case labelTooLong
            case nameTooLong
            case invalidName
            case invalidOPT
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// The message has no bytes at all.
        public static let emptyMessage = Code(.emptyMessage)
        /// The message is longer than 65,535 bytes, the most DNS can carry.
        public static let tooLarge = Code(.tooLarge)
        /// The message ends inside its header, a name, a question or a record's fixed fields.
        public static let truncated = Code(.truncated)
        /// The message ends cleanly but holds fewer questions or records than its header counts.
        public static let countMismatch = Code(.countMismatch)
        /// A record's data length (RDLENGTH) runs past the end of the message.
        public static let recordLengthPastEnd = Code(.recordLengthPastEnd)
        /// A record's data does not fit its type: an A record that is not 4 bytes, a name or
        /// text string that runs past the data, bytes left over after the fields, and the like.
        public static let badRDataLength = Code(.badRDataLength)
        /// Bytes follow the last record the header counts.
        public static let trailingGarbage = Code(.trailingGarbage)
        /// A compression pointer leads back to where the name already was, or a name
        /// follows more than ``DNSMessage/maximumPointerJumps`` pointers.
        public static let pointerLoop = Code(.pointerLoop)
        /// A compression pointer points at or after the name that holds it; pointers may only
        /// point to an earlier name.
        public static let pointerForward = Code(.pointerForward)
        /// A label is longer than 63 bytes (or its length byte has the reserved top bits `01` or `10`).
        public static let labelTooLong = Code(.labelTooLong)
        /// A name is longer than 255 bytes in wire form.
        public static let nameTooLong = Code(.nameTooLong)
        /// A name given to ``DNSQuery`` is empty, has an empty label, or has a character other
        /// than printable ASCII (and not `\`).
        public static let invalidName = Code(.invalidName)
        /// An OPT pseudo-record is not owned by the root name, or there is more than one.
        public static let invalidOPT = Code(.invalidOPT)

        /// The code's name, such as `pointerLoop`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem was found.
    public var code: Code
    /// The byte offset in the message where the problem was found, when there is one.
    public var offset: Int?
    /// One line for people: `offset N: what is wrong`.
    public var description: String

    /// Creates an error; the description is prefixed with the offset when there is one.
    init(_ code: Code, at offset: Int?, _ message: String) {
        self.code = code
        self.offset = offset
        if let offset {
            self.description = "DNS message, offset \(offset): \(message)"
        } else {
            self.description = message
        }
    }
}
