/// A configuration file written by a ``ClientConfigWriter``, ready to be saved.
public struct ExportedFile: Sendable, Hashable {
    /// The text of the file (UTF-8 when saved).
    public var contents: String
    /// A file name the client looks for, such as `msmtprc` or `alice@example.com.mobileconfig`;
    /// it never contains a path separator.
    public var suggestedFileName: String
    /// Lines in English for the person who saves the file: what the format could not say and
    /// what to do next (a command-line tool prints them on standard error).
    public var notes: [String]

    /// Creates a file.
    public init(contents: String, suggestedFileName: String, notes: [String] = []) {
        self.contents = contents
        self.suggestedFileName = suggestedFileName
        self.notes = notes
    }
}
