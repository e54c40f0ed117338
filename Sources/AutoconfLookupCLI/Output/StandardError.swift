#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes lines to standard error.
enum StandardError {
    /// Writes the line and a newline to file descriptor 2 (the C `stderr` global is not
    /// concurrency-safe in Swift 6, the descriptor is).
    static func write(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = SystemCall.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return  // nowhere left to report to
                }
            }
        }
    }
}

/// Ends the process (the C library's `exit`, without loading Foundation for it).
enum ProcessExit {
    static func now(_ status: Int32) -> Never {
        exit(status)
    }
}
