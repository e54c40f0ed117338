/// An ``HTTPFetching`` that keeps what a GET gave — the document, or "nothing there" — for a
/// while, and fetches once when several tasks want the same URL at the same time: for batches,
/// where many addresses share a domain's ISPDB entry and their mail host's autoconfig file.
///
/// Only GET requests are kept, by their whole URL, and only URLs without a query: a URL that
/// carries the address (`?emailaddress=`) is asked for by that address alone, so its result is
/// shared while it is being fetched but not kept, leaving the room to what many lines share (the
/// ISPDB's entries, a mail host's autoconfig file). A time-out, a cancellation and other failures
/// that may pass are never kept: they are fetched again next time. POST requests (Autodiscover) go straight through. What is
/// kept weighs at most ``capacityBytes`` (bodies, plus a fixed share for the rest of each result):
/// when full, expired results go first, then those closest to expiring.
///
/// ```swift
/// let http = CachingHTTPClient(wrapping: try NIOHTTPClient(), keepFor: .seconds(300))
/// ```
public final class CachingHTTPClient: HTTPFetching {
    /// How long a result is kept.
    public let keepFor: Duration
    private let upstream: any HTTPFetching
    private let results: SharedResults<String, Result<HTTPResponse, HTTPFetchError>, HTTPFetchError>

    /// A cache in front of `upstream`, keeping results for `keepFor` and at most `capacityBytes` of them.
    public init(wrapping upstream: any HTTPFetching, keepFor: Duration = .seconds(300), capacityBytes: Int = 32 << 20) {
        self.upstream = upstream
        self.keepFor = keepFor
        self.results = SharedResults(capacity: max(capacityBytes, 4 * Self.fixedCost), cost: Self.cost)
    }

    /// The most bytes of results kept at once.
    public var capacityBytes: Int { results.capacity }

    /// The number of results kept now (expired ones included until room is needed).
    public var count: Int { results.count }

    /// What a result is counted as beyond its body: URLs, headers, the error's words.
    static let fixedCost = 1024

    /// The weight of one result: its body's bytes plus ``fixedCost``.
    static func cost(_ result: Result<HTTPResponse, HTTPFetchError>) -> Int {
        switch result {
        case .success(let response): return response.body.count + fixedCost
        case .failure: return fixedCost
        }
    }

    /// Fetches `request`, or answers from what an earlier identical GET gave.
    public func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        guard request.method == .get, request.body.isEmpty else { return try await upstream.fetch(request) }
        let upstream = self.upstream
        let keepFor = self.keepFor
        let url = request.url.description
        let hasQuery = request.url.pathAndQuery.contains("?")
        let result = try await results.value(
            for: url,
            keepFor: { result in !hasQuery && Self.keeps(result) ? keepFor : nil },
            cancelled: { HTTPFetchError(.cancelled, url: url, reason: "cancelled") },
            work: { () async throws(HTTPFetchError) -> Result<HTTPResponse, HTTPFetchError> in
                do throws(HTTPFetchError) {
                    return .success(try await upstream.fetch(request))
                } catch {
                    return .failure(error)
                }
            })
        return try result.get()
    }

    /// Whether a result may be kept: a document, or a lasting "nothing there" (no such host,
    /// nothing listening, 404/410); never a time-out, a cancellation or another failure.
    static func keeps(_ result: Result<HTTPResponse, HTTPFetchError>) -> Bool {
        switch result {
        case .success:
            return true
        case .failure(let error):
            switch error.code {
            case .dnsFailure, .connectionRefused: return true
            case .unexpectedStatus: return error.statusCode == 404 || error.statusCode == 410
            default: return false
            }
        }
    }
}
