/// What a diagnosis concluded about one server or one setting, in the person's language: what is
/// wrong (or fine), why, and what to do.
public struct Verdict: Sendable, Hashable {
    /// How serious it is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Works.
        case ok
        /// Works, but something should change (an unencrypted password, a certificate to check…).
        case warning
        /// Does not work.
        case problem
    }

    /// A stable id, such as `connection-refused` or `app-password-required`, for scripts.
    public var id: String
    /// How serious it is.
    public var severity: Severity
    /// The server it is about, such as `pop.example.com:995 (POP3, SSL/TLS)`; empty for the input.
    public var subject: String
    /// What was found, and why it happens.
    public var cause: String
    /// What to do about it; empty when nothing needs doing.
    public var fix: String

    /// A verdict from its parts.
    public init(id: String, severity: Severity, subject: String, cause: String, fix: String) {
        self.id = id
        self.severity = severity
        self.subject = subject
        self.cause = cause
        self.fix = fix
    }
}
