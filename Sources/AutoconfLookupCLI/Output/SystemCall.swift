#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `read(2)` and `write(2)` under one name on every C library (the CLI never loads Foundation).
enum SystemCall {
    static func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }

    static func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }

    /// An `errno` in a few words for people; `missing` says what ENOENT means where it is used
    /// ("no such file", "no such folder").
    static func reason(_ code: Int32, missing: String = "no such file") -> String {
        switch code {
        case ENOENT: missing
        case EACCES: "permission denied"
        case EISDIR: "it is a directory"
        default: strerror(code).map { String(cString: $0) } ?? "error \(code)"
        }
    }
}
