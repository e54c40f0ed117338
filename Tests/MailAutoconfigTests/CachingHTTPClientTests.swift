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

    @Test("a URL with a query (the address) is shared while in flight, never kept")
    func queriesAreNotKept() async throws {
        let upstream = CountingTransport()
        let cache = CachingHTTPClient(wrapping: upstream)
        let request = try HTTPRequest(url: "https://autoconfig.x.test/found?emailaddress=a%40x.test")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = try? await cache.fetch(request) } }
        }
        #expect(upstream.count("/found?emailaddress=a%40x.test") == 1, "shared while in flight")
        _ = try await cache.fetch(request)
        #expect(upstream.count("/found?emailaddress=a%40x.test") == 2, "not kept afterwards")
        #expect(cache.count == 0)
    }

    @Test("bounded by bytes: bodies count, a body too big for the cache is never kept")
    func bounded() async throws {
        let capacity = 64 * CachingHTTPClient.fixedCost
        let small = SizedTransport(size: 0)
        let cache = CachingHTTPClient(wrapping: small, capacityBytes: capacity)
        for index in 0..<200 { _ = try await cache.fetch(try HTTPRequest(url: "https://d\(index).test/found")) }
        #expect(cache.count <= 64 && cache.count >= 48, "64 empty results fit; room made down to three quarters")
        _ = try await cache.fetch(try HTTPRequest(url: "https://d199.test/found"))
        #expect(small.asked.withLock { $0 } == 200, "the newest is still kept")

        let big = SizedTransport(size: capacity / 2)
        let bigCache = CachingHTTPClient(wrapping: big, capacityBytes: capacity)
        for _ in 0..<2 { _ = try await bigCache.fetch(try HTTPRequest(url: "https://big.test/found")) }
        #expect(big.asked.withLock { $0 } == 2, "more than a quarter of the capacity: fetched each time")
        #expect(bigCache.count == 0)
    }

    /// Answers every GET with a body of `size` bytes.
    final class SizedTransport: HTTPFetching, Sendable {
        let asked = Mutex(0)
        let size: Int
        init(size: Int) { self.size = size }

        func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
            asked.withLock { $0 += 1 }
            return HTTPResponse(status: 200, headers: [], body: Array(repeating: 0x61, count: size), finalURL: request.url.description)
        }
    }
}
