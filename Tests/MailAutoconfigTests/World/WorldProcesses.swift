import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to set up the test world, with what to do about it.
struct WorldError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Finding and running the programs of the test world.
enum WorldPrograms {
    /// Runs a world's blocking setup (it waits for programs and ports) on a thread of its own,
    /// so that it never holds up the threads other tests run on.
    static func onOwnThread<Value: Sendable>(_ setup: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try setup() })
            }
        }
    }

    /// The programs the world runs, and the Debian package that brings each.
    static let packages: [(program: String, package: String)] = [
        ("nginx", "nginx-light"),
        ("openssl", "openssl"),
        ("python3", "python3"),
    ]

    /// The full path of `program`, searched in `PATH` and the sbin folders (nginx lives in
    /// /usr/sbin, which a non-login `PATH` may lack).
    static func find(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + program
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The Debian packages of the programs that are missing.
    static var missingPackages: [String] {
        packages.filter { find($0.program) == nil }.map(\.package)
    }

    /// Runs a program to its end with its output in a file of `folder`, and returns that output.
    /// (It runs in the test process' working directory: give it absolute paths.)
    ///
    /// - Throws: ``WorldError`` with the output when the program exits with a non-zero status.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], in folder: URL) throws -> String {
        guard let executable = find(program) else {
            throw WorldError("\(program) not found: install the Debian package \(package(of: program)) (Scripts/test.sh does)")
        }
        let outputPath = folder.appendingPathComponent("\(program)-\(UUID().uuidString).out").path
        let pid = try spawn(executable, arguments, output: outputPath)
        let status = wait(pid: pid)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outputPath)
        guard status == 0 else {
            throw WorldError("\(program) \(arguments.joined(separator: " ")) exited with \(status): \(text)")
        }
        return text
    }

    /// Starts a program with stdin from /dev/null and stdout and stderr appended to `output`.
    ///
    /// posix_spawn and waitpid rather than Foundation's `Process`, whose `waitUntilExit()` was
    /// seen to hang when two children ended at the same moment.
    /// With `newProcessGroup`, the child leads a process group of its own, which
    /// ``stopGroup(leader:patience:)`` ends whole (for servers that fork workers).
    static func spawn(_ executable: String, _ arguments: [String], output: String, newProcessGroup: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else is inherited. Without this, a server started here keeps open the write
        // end of a pipe another test is reading to its end at that moment (nginx's daemon does
        // not close it either), and that test waits for as long as the server runs.
        closeInheritedDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with no blocked signals and default handlers (the test process may
        // block or ignore some, such as SIGPIPE).
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw WorldError("could not start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Adds "close every descriptor from 3 up" to `actions`: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` where it exists (2.34 and later; Swift's Glibc
    /// module does not declare it), else a close for each descriptor open now.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in descriptors.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Waits for a child to end and returns its exit status (128 + signal when killed).
    @discardableResult
    static func wait(pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { break }
            if result == -1, errno == EINTR { continue }
            return -1
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Ends a child: SIGTERM, SIGKILL after `patience`, and reaps it.
    static func stopChild(pid: pid_t, patience: Duration = .seconds(5)) {
        guard pid > 1 else { return }
        kill(pid, SIGTERM)
        let clock = ContinuousClock()
        let start = clock.now
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if clock.now - start > patience {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return
            }
            usleep(10_000)
        }
    }

    /// Ends a child spawned with `newProcessGroup` and every process of its group: SIGTERM to
    /// the group, SIGKILL to the group after `patience`; reaps the child and waits (a little)
    /// until no live process is left in the group, so that their ports are free.
    static func stopGroup(leader pid: pid_t, patience: Duration = .seconds(2)) {
        guard pid > 1 else { return }
        kill(-pid, SIGTERM)
        let clock = ContinuousClock()
        let start = clock.now
        var reaped = false
        var killed = false
        while true {
            if !reaped {
                var status: Int32 = 0
                reaped = waitpid(pid, &status, WNOHANG) != 0
            }
            if reaped, !groupIsAlive(pid) { return }
            if !killed, clock.now - start > patience {
                kill(-pid, SIGKILL)
                killed = true
            }
            if killed, clock.now - start > patience * 2 {
                if !reaped { waitpid(pid, nil, 0) }
                return
            }
            usleep(5_000)
        }
    }

    /// Whether a process group has a member that is alive and not a zombie.
    static func groupIsAlive(_ group: pid_t) -> Bool {
        guard kill(-group, 0) == 0 else { return false }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let member = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(member)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // "PID (comm) STATE PPID PGRP …"
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, pid_t(fields[2]) == group, fields[0] != "Z", fields[0] != "X" { return true }
        }
        return false
    }

    /// Waits (at most 10 s) until a helper server that picks its own ports writes them, whitespace
    /// separated, to `file`; stops it and throws with its log when it ends or takes too long.
    static func ports(_ count: Int, from file: URL, of child: pid_t, name: String, log: String) throws -> [Int] {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < .seconds(10) {
            if let text = try? String(contentsOf: file, encoding: .utf8) {
                let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
                if numbers.count == count { return numbers }
            }
            if hasEnded(child: child) {
                throw WorldError("\(name) did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            usleep(5_000)
        }
        stopChild(pid: child)
        throw WorldError("\(name) did not start within 10 s: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Whether a child has ended (reaping it if so).
    static func hasEnded(child pid: pid_t) -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) != 0
    }

    /// Takes the machine-wide lock under which worlds choose ports and start servers.
    static func lock() -> Int32 {
        let descriptor = open(FileManager.default.temporaryDirectory.appendingPathComponent("swift-mail-autoconfig-world.lock").path, O_CREAT | O_RDWR, 0o666)
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        }
        return descriptor
    }

    /// Releases ``lock()``.
    static func unlock(_ descriptor: Int32) {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static func package(of program: String) -> String {
        packages.first { $0.program == program }?.package ?? program
    }

    /// Ends a process that is not our child (a daemon): SIGTERM, then wait until it is gone
    /// (or a zombie nobody reaps), SIGKILL after `patience`.
    static func stopDaemon(pid: pid_t, patience: Duration = .seconds(5)) {
        guard pid > 1 else { return }
        kill(pid, SIGTERM)
        let clock = ContinuousClock()
        let start = clock.now
        while isRunning(pid: pid) {
            if clock.now - start > patience {
                kill(pid, SIGKILL)
                break
            }
            usleep(10_000)
        }
    }

    /// Whether `pid` is alive and not a zombie.
    static func isRunning(pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // "PID (comm) STATE …": the state follows the last ")".
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}

/// Small socket helpers for choosing ports and waiting for servers, loopback only.
enum Loopback {
    /// Whether a TCP socket can be bound to `address`:`port` right now.
    static func canBind(_ address: String, _ port: Int) -> Bool {
        withBoundSocket(address, port) { _ in true } ?? false
    }

    /// A port the kernel says is free on `address`.
    static func freePort(_ address: String) -> Int? {
        withBoundSocket(address, 0) { socket in
            var storage = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let result = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
            }
            return result == 0 ? Int(UInt16(bigEndian: storage.sin_port)) : nil
        } ?? nil
    }

    /// Whether something accepts TCP connections on `address`:`port`.
    static func isAccepting(_ address: String, _ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var socketAddress = makeAddress(address, port)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }

    /// Waits until `address`:`port` accepts, up to `patience`.
    static func waitUntilAccepting(_ address: String, _ port: Int, patience: Duration = .seconds(5)) -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < patience {
            if isAccepting(address, port) { return true }
            usleep(10_000)
        }
        return false
    }

    private static func withBoundSocket<T>(_ address: String, _ port: Int, _ body: (Int32) -> T) -> T? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = makeAddress(address, port)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0 ? body(descriptor) : nil
    }

    private static func makeAddress(_ address: String, _ port: Int) -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port)).bigEndian
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        return socketAddress
    }
}

/// The memory of this test process, from /proc (Linux).
enum ProcessMemory {
    /// The peak resident set size so far (VmHWM), in bytes; nil where /proc is missing.
    static var peakResidentBytes: Int? { field("VmHWM") }

    /// The current resident set size (VmRSS), in bytes.
    static var residentBytes: Int? { field("VmRSS") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(number).map { $0 * 1024 }
        }
        return nil
    }
}
