/// Writes the configuration file of one mail client for an ``ExportAccount``.
///
/// A writer is safe by construction: every value it writes has been checked (host names are
/// LDH names, ports are 1–65535, text has no control characters) and escaped with the rules
/// of its format; a value that cannot be written safely makes it throw, never reach the file.
///
/// ```swift
/// let writer = ExportWriters.writer(for: .msmtp)
/// let file = try writer.write(account)
/// print(file.contents)
/// ```
public protocol ClientConfigWriter: Sendable {
    /// The format this writer writes.
    var format: ExportFormat { get }

    /// Writes the file for `account`.
    ///
    /// - Throws: ``ExportError`` when a value cannot be written safely, a server the format
    ///   needs is missing, or the format cannot express the servers' protocol or security.
    func write(_ account: ExportAccount) throws(ExportError) -> ExportedFile
}
