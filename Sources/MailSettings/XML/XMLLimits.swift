/// Bounds that ``XMLReader`` enforces, so that hostile or broken input is refused quickly and
/// with bounded memory.
///
/// The defaults are far above what a mail configuration file needs (real Mozilla autoconfig
/// files are a few kilobytes, nest four levels and hold a few dozen elements).
public struct XMLLimits: Sendable, Hashable {
    /// The largest document accepted, in bytes (as given, before any transcoding). Checked
    /// before anything else is done.
    public var maximumBytes: Int
    /// The deepest nesting of elements accepted; the root element is at depth 1.
    public var maximumDepth: Int
    /// The most elements a document may have, the root included.
    public var maximumElements: Int
    /// The most attributes one element may have.
    public var maximumAttributesPerElement: Int
    /// The longest name accepted (element, attribute, entity or processing-instruction
    /// target), in UTF-8 bytes.
    public var maximumNameLength: Int

    /// Creates limits; every bound has a default suitable for mail configuration documents.
    ///
    /// - Parameters:
    ///   - maximumBytes: The largest document accepted, in bytes (1 MiB by default).
    ///   - maximumDepth: The deepest nesting accepted (64 by default).
    ///   - maximumElements: The most elements accepted (20,000 by default).
    ///   - maximumAttributesPerElement: The most attributes on one element (64 by default).
    ///   - maximumNameLength: The longest name accepted, in UTF-8 bytes (256 by default).
    public init(
        maximumBytes: Int = 1_048_576,
        maximumDepth: Int = 64,
        maximumElements: Int = 20_000,
        maximumAttributesPerElement: Int = 64,
        maximumNameLength: Int = 256
    ) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumElements = maximumElements
        self.maximumAttributesPerElement = maximumAttributesPerElement
        self.maximumNameLength = maximumNameLength
    }
}
