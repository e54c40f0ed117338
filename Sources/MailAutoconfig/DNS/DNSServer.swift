import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A DNS server to ask: an IPv4 or IPv6 address and a port.
///
/// ```swift
/// let local = try DNSServer(parsing: "127.0.0.1:5353")
/// let v6 = try DNSServer(parsing: "[::1]:53")
/// ```
public struct DNSServer: Sendable, Hashable, CustomStringConvertible {
    /// The address, as given (an IPv4 dotted quad or an IPv6 address without brackets).
    public let address: String
    /// The UDP and TCP port, 53 unless told otherwise.
    public let port: Int
    /// The address and port for sockets.
    let socketAddress: SocketAddress

    /// A server from an address and a port.
    ///
    /// - Throws: ``DNSResolveError`` with code ``DNSResolveError/Code/invalidServer`` when the
    ///   address is not a numeric IPv4 or IPv6 address or the port is not between 1 and 65535.
    public init(address: String, port: Int = 53) throws(DNSResolveError) {
        guard (1...65535).contains(port) else {
            throw DNSResolveError(.invalidServer, reason: "DNS server port \(port) is not between 1 and 65535")
        }
        do {
            socketAddress = try SocketAddress(ipAddress: address, port: port)
        } catch {
            throw DNSResolveError(
                .invalidServer, reason: "DNS server address \"\(address)\" is not a numeric IPv4 or IPv6 address")
        }
        self.address = address
        self.port = port
    }

    /// A server from text: `ADDRESS` (port 53), `IPv4:PORT`, `[IPv6]:PORT`, `[IPv6]` or a bare
    /// IPv6 address (port 53), as `--dns-server` takes it.
    ///
    /// - Throws: ``DNSResolveError`` with code ``DNSResolveError/Code/invalidServer``.
    public init(parsing text: String) throws(DNSResolveError) {
        func invalid(_ why: String) -> DNSResolveError {
            DNSResolveError(.invalidServer, reason: "DNS server \"\(text)\" \(why); write ADDRESS, ADDRESS:PORT or [IPv6]:PORT")
        }
        func port(_ digits: Substring) throws(DNSResolveError) -> Int {
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits), (1...65535).contains(value)
            else { throw invalid("has a port that is not a number from 1 to 65535") }
            return value
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("lacks the closing ]") }
            let address = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard address.contains(":") else { throw invalid("puts brackets around something that is not an IPv6 address") }
            if rest.isEmpty {
                try self.init(address: address)
            } else {
                guard rest.first == ":" else { throw invalid("has something other than :PORT after the ]") }
                try self.init(address: address, port: try port(rest.dropFirst()))
            }
            return
        }
        let colons = text.count(where: { $0 == ":" })
        if colons == 0 {
            try self.init(address: text)
        } else if colons == 1, let colon = text.firstIndex(of: ":") {
            try self.init(address: String(text[..<colon]), port: try port(text[text.index(after: colon)...]))
        } else {
            try self.init(address: text)
        }
    }

    /// `ADDRESS:PORT`, with brackets around an IPv6 address: `127.0.0.1:53`, `[::1]:53`.
    public var description: String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// Whether two servers have the same address text and port.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.address == rhs.address && lhs.port == rhs.port
    }

    /// Hashes the address text and port.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(port)
    }
}

/// Which servers a resolver asks, and how patiently.
///
/// ```swift
/// let configuration = DNSConfiguration(resolvConf: "nameserver 127.0.0.1\noptions timeout:1 attempts:3\n")
/// ```
public struct DNSConfiguration: Sendable, Hashable {
    /// The servers, asked in order: a server that does not answer within ``timeout`` is
    /// followed by the next; after the last, the first is asked again, up to ``attempts`` rounds.
    public var servers: [DNSServer]
    /// How long one try waits for one server's answer.
    public var timeout: Duration
    /// How many rounds over the servers before giving up (at least 1).
    public var attempts: Int

    /// The default time one try waits, as in glibc's resolver: 5 seconds.
    public static let defaultTimeout = Duration.seconds(5)
    /// The default number of rounds, as in glibc's resolver: 2.
    public static let defaultAttempts = 2

    /// A configuration from its parts (`attempts` below 1 counts as 1).
    public init(servers: [DNSServer], timeout: Duration = defaultTimeout, attempts: Int = defaultAttempts) {
        self.servers = servers
        self.timeout = timeout
        self.attempts = max(1, attempts)
    }

    /// The configuration that the text of a `resolv.conf` file describes, read as glibc reads
    /// it: `nameserver ADDRESS` lines (at most 3 are used; a line that is not a numeric address
    /// is ignored), and `options timeout:N attempts:N` (timeout capped at 30 s, attempts at 5;
    /// other options ignored). `#` and `;` start comments. Without a usable `nameserver` line,
    /// the server is 127.0.0.1, as glibc assumes.
    public init(resolvConf text: String) {
        var servers: [DNSServer] = []
        var timeout = Self.defaultTimeout
        var attempts = Self.defaultAttempts
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.prefix { $0 != "#" && $0 != ";" }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let keyword = words.first else { continue }
            switch keyword {
            case "nameserver":
                guard words.count >= 2, servers.count < 3,
                    let server = try? DNSServer(address: String(words[1]))
                else { continue }
                servers.append(server)
            case "options":
                for option in words.dropFirst() {
                    if option.hasPrefix("timeout:"), let value = Int(option.dropFirst(8)), value >= 0 {
                        timeout = .seconds(min(max(value, 1), 30))
                    } else if option.hasPrefix("attempts:"), let value = Int(option.dropFirst(9)), value >= 0 {
                        attempts = min(max(value, 1), 5)
                    }
                }
            default:
                continue
            }
        }
        if servers.isEmpty, let loopback = try? DNSServer(address: "127.0.0.1") {
            servers = [loopback]
        }
        self.init(servers: servers, timeout: timeout, attempts: attempts)
    }

    /// The system's configuration, read from `path` (`/etc/resolv.conf` by default).
    ///
    /// - Throws: ``DNSResolveError`` with code ``DNSResolveError/Code/unreadableConfiguration``
    ///   when the file cannot be read.
    public static func system(path: String = "/etc/resolv.conf") throws(DNSResolveError) -> DNSConfiguration {
        guard let text = readTextFile(path) else {
            throw DNSResolveError(
                .unreadableConfiguration,
                reason: "cannot read \(path); give DNS servers explicitly (--dns-server ADDRESS[:PORT])")
        }
        return DNSConfiguration(resolvConf: text)
    }

    /// The file's text, read through the C library (this module does not load Foundation);
    /// at most 64 KiB, more than any resolv.conf holds.
    private static func readTextFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { _ = close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
