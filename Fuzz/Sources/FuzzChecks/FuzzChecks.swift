import MailSettings

/// The invariants the fuzz targets in `Fuzz/` hold MailSettings to, in one place.
///
/// Each check takes the bytes one fuzz target receives and returns the problems it finds, one
/// sentence each, or nothing when every invariant holds. The libFuzzer targets stop on the first
/// non-empty list; the main package's tests compile this same folder (through a link in
/// `Tests/MailSettingsTests/FuzzChecks`) and replay the seed corpora and the regression inputs
/// through it. Only the public API of MailSettings is used, so both packages can build it.
public enum FuzzChecks {}

extension FuzzChecks {
    /// The problems one check has found so far, in the order found.
    struct Problems {
        /// Every problem, one sentence each.
        private(set) var list: [String] = []

        /// Records `problem` unless `condition` holds.
        mutating func expect(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { list.append(problem()) }
        }

        /// Records `problem`.
        mutating func add(_ problem: String) {
            list.append(problem)
        }

        /// Records every problem of `other`.
        mutating func add(contentsOf other: [String]) {
            list += other
        }
    }
}
