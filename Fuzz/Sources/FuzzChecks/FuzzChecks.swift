import MailSettings

/// The invariants the fuzz targets in `Fuzz/` hold MailSettings to, in one place.
///
/// Each check takes the bytes one fuzz target receives and returns the problems it finds, one
/// sentence each, or nothing when every invariant holds. The libFuzzer targets stop on the first
/// non-empty list; the main package's tests compile this same folder (through a link in
/// `Tests/MailSettingsTests/FuzzChecks`) and replay the seed corpora and the regression inputs
/// through it. Only the public API of MailSettings is used, so both packages can build it.
public enum FuzzChecks {
    /// What a libFuzzer entry point does with its input: runs `check` on the bytes and stops the
    /// run, with the problems as its message, when there are any.
    public static func fuzz(_ check: ([UInt8]) -> [String], _ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
        let problems = check(bytes)
        precondition(problems.isEmpty, problems.joined(separator: "; "))
        return 0
    }
}

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
