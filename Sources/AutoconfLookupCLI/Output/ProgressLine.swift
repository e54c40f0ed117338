import MailSettings

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line on standard error that says what is still pending (the sources being asked, or the
/// lines of a batch), rewritten in place, and erased at the end. Shown only when standard error is a terminal, so
/// scripts and pipes never see it.
struct ProgressLine {
    /// Whether anything is written.
    let enabled: Bool
    let language: Language

    /// A progress line in `language`, shown when standard error is a terminal that can move the
    /// cursor (`TERM` is not `dumb`).
    init(language: Language, environment: [String: String]) {
        self.language = language
        self.enabled = isatty(2) == 1 && environment["TERM"] != "dumb"
    }

    /// Shows how many sources answered and which are still pending.
    func show(answered: Int, total: Int, pending: [SourceID]) {
        guard enabled, !pending.isEmpty else { return }
        let names = pending.map(\.rawValue).joined(separator: ", ")
        let text = language == .spanish
            ? "… \(answered) de \(total) fuentes respondieron; esperando a \(names)"
            : "… \(answered) of \(total) sources answered; waiting for \(names)"
        write("\r\u{1B}[K" + String(text.prefix(200)))
    }

    /// Shows how many of the batch's lines are done.
    func show(done: Int, total: Int) {
        guard enabled else { return }
        write("\r\u{1B}[K" + (language == .spanish ? "… \(done) de \(total) listas" : "… \(done) of \(total) done"))
    }

    /// Erases the line.
    func clear() {
        guard enabled else { return }
        write("\r\u{1B}[K")
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = SystemCall.write(2, bytes.baseAddress!, bytes.count)
        }
    }
}
