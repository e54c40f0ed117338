import NIOCore

/// Where to connect for a host and port, overriding name resolution the way curl's `--resolve`
/// and `--connect-to` do.
///
/// Admins use it to test a server before the DNS switch, and tests use it to point every
/// network path at loopback. The mapping changes only *where* a connection goes: the name
/// checked in the server's certificate (and sent as SNI) stays the host of the URL.
///
/// ```swift
/// let mapping = try AddressMapping(
///     parsingResolve: ["autoconfig.example.test:443:127.0.0.2"],
///     parsingConnectTo: ["example.test:443:mirror.example.test:8443"]
/// )
/// mapping.target(host: "autoconfig.example.test", port: 443)  // ("127.0.0.2", 443)
/// ```
///
/// As in curl, `connectTo` entries apply first and `resolve` entries then apply to the host and
/// port that result. The first matching entry of each list wins.
public struct AddressMapping: Sendable, Hashable {
    /// A `--resolve HOST:PORT:ADDR` entry: connect to `address` instead of resolving `host`
    /// when connecting to `port`.
    public struct Resolve: Sendable, Hashable, CustomStringConvertible {
        /// The host name whose resolution is replaced (lower-cased, without a trailing dot),
        /// or `*` for every host.
        public var host: String
        /// The port the entry applies to.
        public var port: Int
        /// The IPv4 or IPv6 address connected to instead (IPv6 without brackets).
        public var address: String

        /// Creates an entry from its parts.
        public init(host: String, port: Int, address: String) {
            self.host = AddressMapping.normalized(host)
            self.port = port
            self.address = address
        }

        /// Parses `HOST:PORT:ADDR`, as curl's `--resolve` takes it; an IPv6 address is written
        /// in brackets (`example.test:443:[::1]`).
        public init(parsing text: String) throws(AddressMappingError) {
            let parts = try AddressMapping.split(text, expecting: 3, form: "HOST:PORT:ADDR", option: "--resolve")
            let host = parts[0]
            guard !host.isEmpty else {
                throw AddressMappingError(text, "the host is empty; write it as in HOST:PORT:ADDR (example.test:443:127.0.0.2)")
            }
            guard AddressMapping.isHostName(host) || AddressMapping.isIPAddress(host) else {
                throw AddressMappingError(text, "\"\(host)\" is not a host name (or * for every host)")
            }
            let port = try AddressMapping.port(parts[1], in: text)
            let address = parts[2]
            guard AddressMapping.isIPAddress(address) else {
                throw AddressMappingError(text, "\"\(address)\" is not an IP address; --resolve takes an address (put IPv6 in brackets: [::1])")
            }
            self.init(host: host, port: port, address: address)
        }

        /// The entry as curl writes it.
        public var description: String {
            "\(host):\(port):\(AddressMapping.bracketed(address))"
        }
    }

    /// A `--connect-to HOST:PORT:HOST2:PORT2` entry: connect to `targetHost`:`targetPort`
    /// instead of `host`:`port`.
    ///
    /// An empty `host` or a `nil` `port` matches any; an empty `targetHost` or a `nil`
    /// `targetPort` keeps the request's own.
    public struct ConnectTo: Sendable, Hashable, CustomStringConvertible {
        /// The host the entry applies to (lower-cased, no trailing dot); empty for any host.
        public var host: String
        /// The port the entry applies to; `nil` for any port.
        public var port: Int?
        /// The host connected to instead (a name or an IP address); empty to keep the host.
        public var targetHost: String
        /// The port connected to instead; `nil` to keep the port.
        public var targetPort: Int?

        /// Creates an entry from its parts.
        public init(host: String, port: Int?, targetHost: String, targetPort: Int?) {
            self.host = AddressMapping.normalized(host)
            self.port = port
            self.targetHost = AddressMapping.normalized(targetHost)
            self.targetPort = targetPort
        }

        /// Parses `HOST:PORT:HOST2:PORT2`, as curl's `--connect-to` takes it; IPv6 addresses are
        /// written in brackets, and an empty part means "any" (left) or "unchanged" (right).
        public init(parsing text: String) throws(AddressMappingError) {
            let parts = try AddressMapping.split(
                text, expecting: 4, form: "HOST:PORT:HOST2:PORT2", option: "--connect-to")
            let port = parts[1].isEmpty ? nil : try AddressMapping.port(parts[1], in: text)
            let targetPort = parts[3].isEmpty ? nil : try AddressMapping.port(parts[3], in: text)
            for name in [parts[0], parts[2]] where !name.isEmpty {
                guard AddressMapping.isIPAddress(name) || AddressMapping.isHostName(name) else {
                    throw AddressMappingError(text, "\"\(name)\" is neither a host name nor an IP address")
                }
            }
            self.init(host: parts[0], port: port, targetHost: parts[2], targetPort: targetPort)
        }

        /// The entry as curl writes it.
        public var description: String {
            let port = self.port.map(String.init) ?? ""
            let targetPort = self.targetPort.map(String.init) ?? ""
            return "\(AddressMapping.bracketed(host)):\(port):\(AddressMapping.bracketed(targetHost)):\(targetPort)"
        }
    }

    /// The `--resolve` entries, first match wins.
    public var resolve: [Resolve]
    /// The `--connect-to` entries, first match wins.
    public var connectTo: [ConnectTo]

    /// Creates a mapping; with no entries every host is resolved as usual.
    public init(resolve: [Resolve] = [], connectTo: [ConnectTo] = []) {
        self.resolve = resolve
        self.connectTo = connectTo
    }

    /// Parses entries written as curl's options take them (`--resolve` and `--connect-to`
    /// values, in the order given).
    ///
    /// - Throws: ``AddressMappingError`` naming the first entry that cannot be read.
    public init(parsingResolve resolve: [String], parsingConnectTo connectTo: [String]) throws(AddressMappingError) {
        var parsedResolve: [Resolve] = []
        for entry in resolve { parsedResolve.append(try Resolve(parsing: entry)) }
        var parsedConnectTo: [ConnectTo] = []
        for entry in connectTo { parsedConnectTo.append(try ConnectTo(parsing: entry)) }
        self.init(resolve: parsedResolve, connectTo: parsedConnectTo)
    }

    /// Whether the mapping has no entries.
    public var isEmpty: Bool { resolve.isEmpty && connectTo.isEmpty }

    /// Where a connection for `host`:`port` goes: an IP address, or a host name still to be
    /// resolved, and a port.
    ///
    /// The returned host is lower-cased and has no brackets or trailing dot.
    public func target(host: String, port: Int) -> (host: String, port: Int) {
        var host = Self.normalized(host)
        var port = port
        if let entry = connectTo.first(where: { ($0.host.isEmpty || $0.host == host) && ($0.port == nil || $0.port == port) }) {
            if !entry.targetHost.isEmpty { host = entry.targetHost }
            if let targetPort = entry.targetPort { port = targetPort }
        }
        if let entry = resolve.first(where: { ($0.host == "*" || $0.host == host) && $0.port == port }) {
            host = entry.address
        }
        return (host, port)
    }

    // MARK: - Parsing helpers

    static func normalized(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.count > 1, host.hasSuffix(".") { host.removeLast() }
        return host
    }

    static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// Splits on colons outside brackets.
    static func split(_ text: String, expecting count: Int, form: String, option: String) throws(AddressMappingError) -> [String] {
        var parts: [String] = []
        var current = ""
        var inBrackets = false
        for character in text {
            switch character {
            case "[" where !inBrackets && current.isEmpty:
                inBrackets = true
                current.append(character)
            case "]" where inBrackets:
                inBrackets = false
                current.append(character)
            case ":" where !inBrackets:
                parts.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        parts.append(current)
        guard !inBrackets, parts.count == count else {
            throw AddressMappingError(text, "\(option) takes \(form) (IPv6 addresses in brackets)")
        }
        return parts.map { part in
            if part.hasPrefix("["), part.hasSuffix("]") { return String(part.dropFirst().dropLast()) }
            return part
        }
    }

    static func port(_ text: String, in entry: String) throws(AddressMappingError) -> Int {
        guard let port = Int(text), (1...65535).contains(port), text.allSatisfy(\.isASCII) else {
            throw AddressMappingError(entry, "\"\(text)\" is not a port; use a number from 1 to 65535")
        }
        return port
    }

    /// Whether `text` is an IPv4 or IPv6 address, not a host name.
    public static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }

    /// A DNS host name of letters, digits, hyphens, underscores and dots (or `*` for any).
    static func isHostName(_ text: String) -> Bool {
        if text == "*" { return true }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).enumerated().allSatisfy { index, label in
            (label.isEmpty && index > 0 && text.hasSuffix(".") && label.endIndex == text.endIndex)
                || (!label.isEmpty && label.utf8.count <= 63
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        }
    }
}

/// An address-mapping entry that could not be read.
///
/// Its ``description`` is one line naming the entry and saying how to write it.
public struct AddressMappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The entry as given.
    public var entry: String
    /// What is wrong with it and how to write it instead.
    public var reason: String

    init(_ entry: String, _ reason: String) {
        self.entry = entry
        self.reason = reason
    }

    /// One line: the entry and what to do.
    public var description: String { "\"\(entry)\": \(reason)" }
}
