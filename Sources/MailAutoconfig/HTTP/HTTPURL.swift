/// An `http` or `https` URL, parsed into what an HTTP/1.1 request needs.
///
/// The parser is deliberately narrow: a scheme of `http` or `https`, a host name or an IP
/// address (IPv6 in brackets), an optional port, and a path with an optional query. User
/// information (`user@`) is refused, since nothing here should ever send credentials in a URL,
/// and a fragment is dropped, as browsers do.
///
/// ```swift
/// let url = try HTTPURL("https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=a%40example.test")
/// url.host          // "autoconfig.example.test"
/// url.port          // 443
/// url.pathAndQuery  // "/mail/config-v1.1.xml?emailaddress=a%40example.test"
/// ```
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`, lower-cased.
    public let scheme: String
    /// The host, lower-cased, without a trailing dot; an IPv6 address without brackets.
    public let host: String
    /// The port, explicit or the scheme's default (443 for https, 80 for http).
    public let port: Int
    /// The path and query as sent in the request line; at least `/`.
    public let pathAndQuery: String

    /// Whether the scheme is `https`.
    public var isHTTPS: Bool { scheme == "https" }

    /// The scheme's default port.
    public var defaultPort: Int { isHTTPS ? 443 : 80 }

    /// The value of the `Host` header: the host (IPv6 in brackets) and the port when it is
    /// not the scheme's default.
    public var hostHeader: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return port == defaultPort ? host : "\(host):\(port)"
    }

    /// The URL written out again, normalised (lower-case scheme and host, default port left out).
    public var description: String { "\(scheme)://\(hostHeader)\(pathAndQuery)" }

    /// Parses an absolute `http` or `https` URL.
    ///
    /// - Throws: ``HTTPFetchError`` with code ``HTTPFetchError/Code/invalidURL``.
    public init(_ string: String) throws(HTTPFetchError) {
        guard let url = Self.parse(string) else {
            throw HTTPFetchError.invalidURL(string)
        }
        self = url
    }

    private init(scheme: String, host: String, port: Int, pathAndQuery: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.pathAndQuery = pathAndQuery
    }

    /// Resolves a `Location` header value (absolute, scheme-relative, absolute-path or
    /// relative reference, RFC 3986 section 5) against this URL.
    ///
    /// - Throws: ``HTTPFetchError`` with code ``HTTPFetchError/Code/invalidURL`` when the result
    ///   is not an `http` or `https` URL.
    public func resolving(_ reference: String) throws(HTTPFetchError) -> HTTPURL {
        let reference = reference.trimmingSpaces()
        guard Self.isClean(reference), !reference.isEmpty else {
            throw HTTPFetchError.invalidURL(reference)
        }
        if let colon = reference.firstIndex(of: ":"),
            let first = reference.first, first.isLetter,
            reference[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        {
            return try HTTPURL(reference)
        }
        if reference.hasPrefix("//") {
            return try HTTPURL("\(scheme):\(reference)")
        }
        let withoutFragment = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let (basePath, baseQuery) = Self.splitQuery(pathAndQuery)
        let (refPath, refQuery) = Self.splitQuery(String(withoutFragment))
        let path: String
        let query: String?
        if refPath.isEmpty {
            path = basePath
            query = refQuery ?? baseQuery
        } else if refPath.hasPrefix("/") {
            path = Self.removingDotSegments(refPath)
            query = refQuery
        } else {
            let directory = basePath[...(basePath.lastIndex(of: "/") ?? basePath.startIndex)]
            path = Self.removingDotSegments(directory + refPath)
            query = refQuery
        }
        let target = query.map { "\(path)?\($0)" } ?? path
        return HTTPURL(scheme: scheme, host: host, port: port, pathAndQuery: target.isEmpty ? "/" : target)
    }

    // MARK: - Parsing

    private static func parse(_ string: String) -> HTTPURL? {
        guard isClean(string), let schemeEnd = string.range(ofASCII: "://") else { return nil }
        let scheme = string[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = string[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { return nil }

        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portPart = after.dropFirst()
            }
            guard AddressMapping.isIPv6Literal(String(hostPart)) else { return nil }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
            }
            guard AddressMapping.isHostName(String(hostPart)), hostPart != "*" else { return nil }
        }
        var host = hostPart.lowercased()
        if host.count > 1, host.hasSuffix(".") { host.removeLast() }

        let defaultPort = scheme == "https" ? 443 : 80
        var port = defaultPort
        if let portPart, !portPart.isEmpty {
            guard portPart.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portPart), (1...65535).contains(number)
            else { return nil }
            port = number
        }

        var target = rest[authorityEnd...]
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        var pathAndQuery = String(target)
        if pathAndQuery.isEmpty || pathAndQuery.hasPrefix("?") { pathAndQuery = "/" + pathAndQuery }
        let (path, query) = splitQuery(pathAndQuery)
        let cleanPath = removingDotSegments(path)
        pathAndQuery = query.map { "\(cleanPath)?\($0)" } ?? cleanPath
        return HTTPURL(scheme: scheme, host: host, port: port, pathAndQuery: pathAndQuery)
    }

    /// No spaces, control characters or non-ASCII: such URLs must be percent-encoded first.
    private static func isClean(_ string: String) -> Bool {
        string.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }
    }

    private static func splitQuery(_ target: String) -> (path: String, query: String?) {
        guard let question = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<question]), String(target[target.index(after: question)...]))
    }

    /// RFC 3986 section 5.2.4.
    static func removingDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        let joined = output.joined(separator: "/")
        return joined.hasPrefix("/") ? joined : "/" + joined
    }
}

extension AddressMapping {
    static func isIPv6Literal(_ text: String) -> Bool {
        text.contains(":") && isIPAddress(text)
    }
}

extension StringProtocol {
    fileprivate func range(ofASCII needle: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(needle) {
                return index..<self.index(index, offsetBy: needle.count)
            }
            index = self.index(after: index)
        }
        return nil
    }

    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
