/// What one source did during a lookup.
public struct SourceReport: Sendable, Hashable, Codable {
    /// How a source ended.
    public enum Status: String, Sendable, Hashable, Codable {
        /// It answered with at least one server.
        case found
        /// It answered, but had nothing for this domain.
        case empty
        /// It could not answer (time-out, bad certificate, hostile reply …); `detail` says which.
        case failed
        /// It was not asked (switched off, or not applicable).
        case skipped
    }

    /// Which source.
    public var id: SourceID
    /// How it ended.
    public var status: Status
    /// One line for people: what it found, or why it failed or was skipped.
    public var detail: String
    /// Time it took, in milliseconds.
    public var ms: Int

    /// Creates a report.
    public init(id: SourceID, status: Status, detail: String, ms: Int = 0) {
        self.id = id
        self.status = status
        self.detail = detail
        self.ms = ms
    }
}
