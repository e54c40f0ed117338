/// Something that fetches a URL over HTTP or HTTPS: the transport the autoconfig sources use.
///
/// ``NIOHTTPClient`` is the default. A consumer that already has an HTTP stack, or a test that
/// wants canned answers, injects its own conforming type.
///
/// A conforming type must honour the request's limits: ``HTTPRequest/timeout`` as one deadline
/// for the whole fetch (redirects included), ``HTTPRequest/maximumRedirects``,
/// ``HTTPRequest/maximumBodyBytes`` (stop reading at the cap), never follow a redirect from
/// `https` to `http`, return only 2xx answers whose content type is accepted, and end promptly
/// with ``HTTPFetchError/Code/cancelled`` when the calling task is cancelled.
public protocol HTTPFetching: Sendable {
    /// Fetches `request`, following redirects, and returns the final 2xx answer.
    ///
    /// - Throws: ``HTTPFetchError`` for every failure, a non-2xx final status and a content type
    ///   not accepted included.
    func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse
}

/// One header field. Names compare case-insensitively where it matters (``HTTPResponse/value(forHeader:)``).
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, as written.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The method of an ``HTTPRequest``: the client only sends GET and POST.
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    private let base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// `GET`.
    public static let get = Self(.get)
    /// `POST` (Outlook Autodiscover).
    public static let post = Self(.post)

    /// The method as written in the request line.
    public var description: String { base.rawValue }
}

/// What to fetch, and the limits of the fetch.
///
/// ```swift
/// var request = try HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml")
/// request.timeout = .seconds(5)
/// let response = try await client.fetch(request)
/// ```
public struct HTTPRequest: Sendable, Hashable {
    /// The URL to fetch.
    public var url: HTTPURL
    /// `GET` (the default) or `POST`.
    public var method: HTTPMethod
    /// Extra header fields. `Host`, `Connection` and `Content-Length` are set by the client
    /// and ignored here; a `User-Agent` given here replaces the client's.
    public var headers: [HTTPHeader]
    /// The body sent with a POST (a `Content-Type` header should come with it).
    public var body: [UInt8]
    /// The largest body accepted, in bytes (default 1 MiB). A larger body ends the fetch with
    /// ``HTTPFetchError/Code/bodyTooLarge`` as soon as the cap is passed.
    public var maximumBodyBytes: Int
    /// How many redirects are followed at most (default 5).
    public var maximumRedirects: Int
    /// The deadline for the whole fetch, from the call to the last byte, redirects included
    /// (default 10 seconds).
    public var timeout: Duration
    /// The media types accepted for the final answer (default `text/xml` and
    /// `application/xml`, as Thunderbird requires); parameters such as `; charset=utf-8` are
    /// ignored, case does not matter. `nil` accepts any type.
    public var acceptedContentTypes: [String]?

    /// The media types an autoconfig file may be served as.
    public static let xmlContentTypes = ["text/xml", "application/xml"]

    /// Creates a request for a parsed URL.
    public init(
        url: HTTPURL,
        method: HTTPMethod = .get,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        maximumBodyBytes: Int = 1 << 20,
        maximumRedirects: Int = 5,
        timeout: Duration = .seconds(10),
        acceptedContentTypes: [String]? = HTTPRequest.xmlContentTypes
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumRedirects = maximumRedirects
        self.timeout = timeout
        self.acceptedContentTypes = acceptedContentTypes
    }

    /// Creates a request for a URL string.
    ///
    /// - Throws: ``HTTPFetchError`` with code ``HTTPFetchError/Code/invalidURL`` when `url` is
    ///   not an absolute `http` or `https` URL.
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        maximumBodyBytes: Int = 1 << 20,
        maximumRedirects: Int = 5,
        timeout: Duration = .seconds(10),
        acceptedContentTypes: [String]? = HTTPRequest.xmlContentTypes
    ) throws(HTTPFetchError) {
        self.init(
            url: try HTTPURL(url), method: method, headers: headers, body: body,
            maximumBodyBytes: maximumBodyBytes, maximumRedirects: maximumRedirects,
            timeout: timeout, acceptedContentTypes: acceptedContentTypes)
    }

    /// Whether a `Content-Type` value is one of ``acceptedContentTypes`` (always true when
    /// that is `nil`).
    public func accepts(contentType: String?) -> Bool {
        guard let accepted = acceptedContentTypes else { return true }
        guard let mediaType = contentType.map(Self.mediaType(of:)), !mediaType.isEmpty else { return false }
        return accepted.contains { Self.mediaType(of: $0) == mediaType }
    }

    /// The media type of a `Content-Type` value: lower-cased, parameters and spaces removed.
    static func mediaType(of contentType: String) -> String {
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return String(type.filter { $0 != " " && $0 != "\t" }).lowercased()
    }
}

/// The final answer to an ``HTTPRequest``.
public struct HTTPResponse: Sendable, Hashable {
    /// The HTTP status (2xx).
    public var status: Int
    /// The header fields, in the order received.
    public var headers: [HTTPHeader]
    /// The body, at most ``HTTPRequest/maximumBodyBytes`` long.
    public var body: [UInt8]
    /// The URL that gave this answer (the request's URL when there was no redirect).
    public var finalURL: String
    /// The URLs that answered with a redirect, in order, starting with the request's URL;
    /// empty when there was no redirect.
    public var redirectChain: [String]

    /// Creates a response (for ``HTTPFetching`` implementations and tests).
    public init(status: Int, headers: [HTTPHeader], body: [UInt8], finalURL: String, redirectChain: [String] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
        self.redirectChain = redirectChain
    }

    /// The first value of a header field, looked up case-insensitively.
    public func value(forHeader name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name.lowercased() == name }?.value
    }

    /// The `Content-Type` header's value, if any.
    public var contentType: String? { value(forHeader: "Content-Type") }
}
