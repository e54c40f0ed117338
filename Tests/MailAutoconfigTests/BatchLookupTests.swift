import MailSettings
import Synchronization
import Testing

@testable import MailAutoconfig

/// Many lookups with one resolver: input order kept whatever order they finish in, never more
/// than `concurrency` at once, bad inputs reported in their place, a stop cancels the rest.
@Suite("Batch lookup")
struct BatchLookupTests {
    /// Answers NXDOMAIN for every name after a pause that depends on the domain (`d<i>.test`
    /// waits `pauses[i]`), counting the domains with a question in flight at the same time.
    final class PausingDNS: DNSResolving, Sendable {
        let pauses: [Duration]
        let inFlight = Mutex<[String: Int]>([:])
        let mostDomainsAtOnce = Mutex(0)
        let cancelled = Mutex(0)
        let stub = StubDNSResolver()

        init(pauses: [Duration]) { self.pauses = pauses }

        func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
            let labels = name.lowercased().split(separator: ".")
            guard let at = labels.firstIndex(where: { $0.hasPrefix("d") && Int($0.dropFirst()) != nil }),
                let index = Int(labels[at].dropFirst()), index < pauses.count
            else { return try await stub.query(name, type: type) }
            let domain = String(labels[at])
            inFlight.withLock { table in
                table[domain, default: 0] += 1
                let count = table.count
                mostDomainsAtOnce.withLock { $0 = max($0, count) }
            }
            defer {
                inFlight.withLock { table in
                    table[domain]! -= 1
                    if table[domain] == 0 { table[domain] = nil }
                }
            }
            do {
                try await Task.sleep(for: pauses[index])
            } catch {
                cancelled.withLock { $0 += 1 }
                throw DNSResolveError(.cancelled, subject: name, reason: "cancelled")
            }
            return try await stub.query(name, type: type)
        }
    }

    /// Every URL: no such host, at once.
    struct NothingThere: HTTPFetching {
        func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
            throw HTTPFetchError(.dnsFailure, url: request.url.description, reason: "no such host")
        }
    }

    static func batch(_ dns: PausingDNS, concurrency: Int) throws -> BatchLookup {
        let resolver = try AutoconfigResolver(http: NothingThere(), dns: dns, prober: NIOServerProber(dns: dns))
        return BatchLookup(resolver: resolver, options: ResolverOptions(timeout: .seconds(10)), concurrency: concurrency)
    }

    @Test("outcomes come in input order although later inputs finish first; at most `concurrency` lookups at once")
    func orderAndConcurrency() async throws {
        // d0 is slow, the others quick: d1… finish before d0, and must wait for it.
        let pauses: [Duration] = [.milliseconds(300)] + Array(repeating: .milliseconds(5), count: 23)
        let dns = PausingDNS(pauses: pauses)
        let inputs = pauses.indices.map { $0 % 2 == 0 ? "user\($0)@d\($0).test" : "d\($0).test" }
        var delivered: [(Int, String)] = []
        try await Self.batch(dns, concurrency: 3).lookUp(inputs) { index, outcome in
            guard case .result(let result) = outcome else { return true }
            delivered.append((index, result.query.domain))
            return true
        }
        #expect(delivered.map(\.0) == Array(inputs.indices))
        #expect(delivered.map(\.1) == pauses.indices.map { "d\($0).test" })
        #expect(dns.mostDomainsAtOnce.withLock { $0 } <= 3)
        #expect(dns.mostDomainsAtOnce.withLock { $0 } >= 2, "lookups did run side by side")
    }

    @Test("an input that is not an address or a domain is reported in its place, with the reason")
    func invalidInputs() async throws {
        let batch = BatchLookup(resolver: nil, options: ResolverOptions(offline: true))
        var outcomes: [BatchLookup.Outcome] = []
        await batch.lookUp(["alice@gmail.com", "not an address", "gmx.de"]) { _, outcome in
            outcomes.append(outcome)
            return true
        }
        #expect(outcomes.count == 3)
        #expect(outcomes[0].isComplete && outcomes[2].isComplete, "offline: the bundled knowledge base answers")
        guard case .invalid(let reason) = outcomes[1] else {
            Issue.record("expected the second input to be invalid, got \(outcomes[1])")
            return
        }
        #expect(reason.contains("space"), "\(reason)")
        #expect(!outcomes[1].isComplete)
    }

    @Test("deliver returning false stops the batch: nothing more is delivered, running lookups are cancelled")
    func stopping() async throws {
        // d1 and later take a minute: only a cancellation ends them.
        let pauses: [Duration] = [.zero] + Array(repeating: .seconds(60), count: 9)
        let dns = PausingDNS(pauses: pauses)
        let clock = ContinuousClock()
        let start = clock.now
        var delivered = 0
        try await Self.batch(dns, concurrency: 4).lookUp(pauses.indices.map { "d\($0).test" }) { _, _ in
            delivered += 1
            return false
        }
        #expect(delivered == 1)
        #expect(clock.now - start < .seconds(30), "the minute-long lookups were cancelled, not waited for")
        #expect(dns.cancelled.withLock { $0 } > 0)
    }
}
