/// Why an HTTP fetch failed.
///
/// Match on ``code``; read ``description`` for one line that names the URL, says what happened
/// and, where there is something to do, what to do:
///
/// ```
/// https://autoconfig.example.test/mail/config-v1.1.xml: certificate is for other.test, not autoconfig.example.test
/// ```
///
/// New codes may be added in later versions, so a `switch` over codes needs a `default`.
public struct HTTPFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidURL
            case dnsFailure
            case connectionRefused
            case connectionFailed
            case timedOut
            case tlsHandshakeFailed
            case certificateUntrusted
            case hostnameMismatch
            case redirectToHTTP
            case tooManyRedirects
            case bodyTooLarge
            case unexpectedStatus
            case wrongContentType
            case malformedResponse
            case cancelled
            case invalidTrustRoots
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The URL is not an absolute `http` or `https` URL this client can fetch.
        public static let invalidURL = Self(.invalidURL)
        /// The host name has no address.
        public static let dnsFailure = Self(.dnsFailure)
        /// Nothing listens on the port (the connection was refused).
        public static let connectionRefused = Self(.connectionRefused)
        /// The connection could not be made for another reason (network or host unreachable…).
        public static let connectionFailed = Self(.connectionFailed)
        /// The request's deadline passed before a complete answer arrived.
        public static let timedOut = Self(.timedOut)
        /// The TLS handshake failed for a reason other than the certificate.
        public static let tlsHandshakeFailed = Self(.tlsHandshakeFailed)
        /// The server's certificate does not chain to a trusted root (or is expired or malformed).
        public static let certificateUntrusted = Self(.certificateUntrusted)
        /// The server's certificate is valid but for other names than the URL's host.
        public static let hostnameMismatch = Self(.hostnameMismatch)
        /// An `https` URL redirected to an `http` one; such a downgrade is never followed.
        public static let redirectToHTTP = Self(.redirectToHTTP)
        /// More redirects than ``HTTPRequest/maximumRedirects``.
        public static let tooManyRedirects = Self(.tooManyRedirects)
        /// The body is larger than ``HTTPRequest/maximumBodyBytes``; reading stopped at the cap.
        public static let bodyTooLarge = Self(.bodyTooLarge)
        /// The final answer's status is not 2xx; see ``HTTPFetchError/statusCode``.
        public static let unexpectedStatus = Self(.unexpectedStatus)
        /// The final answer's `Content-Type` is not accepted; see ``HTTPFetchError/contentType``.
        public static let wrongContentType = Self(.wrongContentType)
        /// The server's answer is not valid HTTP/1.1, or the connection ended before it was complete.
        public static let malformedResponse = Self(.malformedResponse)
        /// The task that called ``HTTPFetching/fetch(_:)`` was cancelled.
        public static let cancelled = Self(.cancelled)
        /// Extra trust roots given to the client are not PEM certificates.
        public static let invalidTrustRoots = Self(.invalidTrustRoots)

        /// The code's name, such as `hostnameMismatch`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The URL being fetched when the failure happened (after redirects, the one that failed).
    public let url: String
    /// What happened and, where it helps, what to do; without the URL.
    public let reason: String
    /// The HTTP status, for ``Code/unexpectedStatus``.
    public let statusCode: Int?
    /// The `Content-Type` found (empty when the header was missing), for ``Code/wrongContentType``.
    public let contentType: String?

    init(_ code: Code, url: String, reason: String, statusCode: Int? = nil, contentType: String? = nil) {
        self.code = code
        self.url = url
        self.reason = reason
        self.statusCode = statusCode
        self.contentType = contentType
    }

    /// One line: the URL, then what happened (control characters escaped, since parts of it
    /// may come from the server).
    public var description: String {
        Self.printable(url.isEmpty ? reason : "\(url): \(reason)")
    }

    /// The text with control characters written as `\u{…}`, so that a hostile URL cannot
    /// break the line.
    static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension HTTPFetchError {
    static func invalidURL(_ url: String) -> Self {
        Self(.invalidURL, url: url, reason: "not an http or https URL this client can fetch (write it as https://host/path, percent-encoded, without user@)")
    }

    static func dnsFailure(_ url: HTTPURL, host: String, detail: String? = nil) -> Self {
        let why = detail.map { " (\($0))" } ?? ""
        return Self(
            .dnsFailure, url: url.description,
            reason: "no address found for \(host)\(why); check the name, or map it with --resolve \(url.host):\(url.port):ADDRESS")
    }

    static func connectionRefused(_ url: HTTPURL, target: String) -> Self {
        Self(.connectionRefused, url: url.description, reason: "connection to \(target) refused: nothing listens there")
    }

    static func connectionFailed(_ url: HTTPURL, target: String, detail: String) -> Self {
        Self(.connectionFailed, url: url.description, reason: "could not connect to \(target): \(detail)")
    }

    static func timedOut(_ url: HTTPURL, after timeout: Duration) -> Self {
        Self(.timedOut, url: url.description, reason: "no complete answer within \(timeout.secondsText); the server is slow or stalled")
    }

    static func tlsHandshakeFailed(_ url: HTTPURL, detail: String) -> Self {
        Self(.tlsHandshakeFailed, url: url.description, reason: "TLS handshake failed (\(detail)); is this port really HTTPS?")
    }

    static func certificateUntrusted(_ url: HTTPURL) -> Self {
        Self(.certificateUntrusted, url: url.description, reason: "certificate not trusted (unknown or self-signed authority, or expired); if it is your own CA, add it with --cacert FILE")
    }

    static func hostnameMismatch(_ url: HTTPURL, certificateNames: [String]) -> Self {
        let names = certificateNames.isEmpty ? "other names" : certificateNames.joined(separator: ", ")
        return Self(.hostnameMismatch, url: url.description, reason: "certificate is for \(names), not \(url.host)")
    }

    static func redirectToHTTP(_ url: HTTPURL, location: String) -> Self {
        Self(.redirectToHTTP, url: url.description, reason: "redirects to \(location), a downgrade from https to http, which is never followed")
    }

    static func tooManyRedirects(_ url: HTTPURL, limit: Int) -> Self {
        Self(.tooManyRedirects, url: url.description, reason: "more than \(limit) redirects; the server may be in a redirect loop")
    }

    static func bodyTooLarge(_ url: HTTPURL, limit: Int) -> Self {
        Self(.bodyTooLarge, url: url.description, reason: "body larger than \(limit) bytes; stopped reading (raise maximumBodyBytes if the file is really that large)")
    }

    static func unexpectedStatus(_ url: HTTPURL, status: Int, reasonPhrase: String) -> Self {
        let phrase = reasonPhrase.isEmpty ? "" : " \(reasonPhrase)"
        return Self(.unexpectedStatus, url: url.description, reason: "server answered \(status)\(phrase)", statusCode: status)
    }

    static func wrongContentType(_ url: HTTPURL, found: String, accepted: [String]) -> Self {
        let foundText = found.isEmpty ? "no Content-Type" : "Content-Type \(found)"
        return Self(.wrongContentType, url: url.description, reason: "\(foundText), expected \(accepted.joined(separator: " or ")); the server must label the file correctly", contentType: found)
    }

    static func malformedResponse(_ url: HTTPURL, detail: String) -> Self {
        Self(.malformedResponse, url: url.description, reason: "malformed answer: \(detail)")
    }

    static func cancelled(_ url: HTTPURL) -> Self {
        Self(.cancelled, url: url.description, reason: "cancelled")
    }
}

extension Duration {
    var secondsText: String {
        let (seconds, attoseconds) = components
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "\(seconds) s" }
        let fraction = String(milliseconds + 1000).dropFirst()
        var text = "\(seconds).\(fraction)"
        while text.hasSuffix("0") { text.removeLast() }
        return text + " s"
    }
}
