import ArgumentParser
import MailSettings

extension MailQuery {
    /// Parses the address or domain given on the command line; a bad one is a usage error
    /// (one line, exit 64) that says what to type instead.
    static func argument(_ input: String) throws -> MailQuery {
        do {
            return try MailQuery(parsing: input)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
