#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The environment variables the tool reads, through the C library's `getenv`: reading them through
/// `ProcessInfo` copies the whole environment and costs a measurable part of a run.
enum ProcessEnvironment {
    /// The locale variables (`LC_ALL`, `LC_MESSAGES`, `LANG`), `COLUMNS` and `TERM`, those that are set.
    static let keys = ["LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS", "TERM"]

    static func current() -> [String: String] {
        var environment: [String: String] = [:]
        for key in keys {
            if let value = getenv(key) {
                environment[key] = String(cString: value)
            }
        }
        return environment
    }
}
