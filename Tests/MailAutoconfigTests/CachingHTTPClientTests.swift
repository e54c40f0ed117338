import MailSettings
import Synchronization
import Testing

@testable import MailAutoconfig

/// The HTTP cache of `batch`: a GET fetched once for everyone, documents and lasting "nothing
/// there" kept, time-outs and POSTs never.
@Suite("Caching HTTP client")
struct CachingHTTPClientTests {
    /// Answers after a pause, counting what it was asked: 200 for /found, 404 for /missing, a
    /// time-out for /slow.
    final class CountingTransport: HTTPFetching, Sendable {
        let asked = Mutex<[String]>([])

        func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
            let url = request.url.description
            asked.withLock { $0.append("\(request.method) \(url)") }
            try? await Task.sleep(for: .milliseconds(30))
            if url.hasSuffix("/missing") { throw HTTPFetchError(.unexpectedStatus, url: url, reason: "404 Not Found", statusCode: 404) }
            if url.hasSuffix("/slow") { throw HTTPFetchError(.timedOut, url: url, reason: "timed out") }
            return HTTPResponse(status: 200, headers: [], body: Array("doc".utf8), finalURL: url)
        }

        func count(_ suffix: String) -> Int { asked.withLock { $0.filter { $0.hasSuffix(suffix) }.count } }
    }

    @Test("concurrent GETs of one URL are fetched once, and the document is kept")
    func shared() async throws {
        let upstream = CountingTransport()
        let cache = CachingHTTPClient(wrapping: upstream)
        let request = try HTTPRequest(url: "https://ispdb.test/v1.1/found")
        let bodies = await withTaskGroup(of: [UInt8]?.self) { group in
            for _ in 0..<10 { group.addTask { try? await cache.fetch(request).body } }
            return await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
        }
        #expect(bodies.count == 10 && bodies.allSatisfy { $0 == Array("doc".utf8) })
        _ = try await cache.fetch(request)
        #expect(upstream.count("/found") == 1)
    }

    @Test("404 is kept; a time-out is fetched again; a POST always goes through")
    func whatIsKept() async throws {
        let upstream = CountingTransport()
        let cache = CachingHTTPClient(wrapping: upstream)
        for path in ["missing", "slow"] {
            for _ in 0..<2 {
                await #expect(throws: HTTPFetchError.self) { try await cache.fetch(try HTTPRequest(url: "https://x.test/\(path)")) }
            }
        }
        #expect(upstream.count("/missing") == 1)
        #expect(upstream.count("/slow") == 2)
        let post = try HTTPRequest(url: "https://x.test/found", method: .post, body: Array("<x/>".utf8))
        _ = try await cache.fetch(post)
        _ = try await cache.fetch(post)
        #expect(upstream.asked.withLock { $0.filter { $0.hasPrefix("POST") }.count } == 2)
        #expect(cache.count == 1)
    }
}
