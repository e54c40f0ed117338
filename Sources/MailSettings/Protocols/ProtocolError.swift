/// Why received bytes could not be turned into protocol lines (``LineFramer``).
///
/// The ``description`` is one line for people. Programs match on ``code``:
///
/// ```swift
/// do {
///     lines = try framer.append(chunk)
/// } catch where error.code == .lineTooLong {
///     step = session.lineTooLong()
/// }
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a default branch.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. Compare with the static members, such as `.lineTooLong`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case lineTooLong
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// The server sent more bytes than ``LineFramer/maximumLineBytes`` without ending the line.
        public static let lineTooLong = Code(.lineTooLong)

        /// The code's name, such as `lineTooLong`.
        public var description: String { backing.rawValue }
    }

    /// What kind of problem was found.
    public var code: Code
    /// Lines that were complete before the problem, in the same call, in order. Hand them to the
    /// session before telling it about the problem: they were received intact.
    public var completeLines: [String]
    /// One line for people: what went wrong and what it means.
    public var description: String

    /// Creates an error.
    init(_ code: Code, completeLines: [String] = [], _ message: String) {
        self.code = code
        self.completeLines = completeLines
        self.description = message
    }
}
