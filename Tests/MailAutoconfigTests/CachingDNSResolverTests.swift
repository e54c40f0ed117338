import MailSettings
import Synchronization
import Testing

@testable import MailAutoconfig

/// The DNS cache of `batch`: answers kept for their TTL, concurrent questions asked once, negative
/// answers kept for the SOA's time, errors never kept, cancellation at once.
@Suite("Caching DNS resolver")
struct CachingDNSResolverTests {
    /// Answers from a table after a pause, counting the questions it was asked.
    final class CountingDNS: DNSResolving, Sendable {
        let asked = Mutex(0)
        let cancelled = Mutex(0)
        let pause: Duration
        let answer: @Sendable (String, DNSRecordType) -> DNSAnswer

        init(pause: Duration = .milliseconds(50), answer: @escaping @Sendable (String, DNSRecordType) -> DNSAnswer) {
            self.pause = pause
            self.answer = answer
        }

        func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
            asked.withLock { $0 += 1 }
            do {
                try await Task.sleep(for: pause)
            } catch {
                cancelled.withLock { $0 += 1 }
                throw DNSResolveError(.cancelled, subject: name, reason: "cancelled")
            }
            return answer(name, type)
        }
    }

    static let server = try! DNSServer(address: "127.0.0.1", port: 53)

    static func answer(_ rcode: DNSResponseCode, ttl: UInt32?, soaMinimum: UInt32? = nil) -> @Sendable (String, DNSRecordType) -> DNSAnswer {
        { name, type in
            let records = ttl.map { [DNSResourceRecord(name: name, type: .a, recordClass: .internet, ttl: $0, data: .a(DNSIPv4Address(bytes: [192, 0, 2, 1])!))] } ?? []
            let authorities = soaMinimum.map {
                [DNSResourceRecord(name: "test", type: .soa, recordClass: .internet, ttl: 3600, data: .soa(
                    primary: "ns.test", mailbox: "root.test", serial: 1, refresh: 1, retry: 1, expire: 1, minimum: $0))]
            } ?? []
            return DNSAnswer(question: DNSQuestion(name: name, type: type), rcode: rcode, records: records, authorities: authorities, server: server)
        }
    }

    @Test("concurrent identical questions are asked once; the answer is then kept for its TTL")
    func sharedAndKept() async throws {
        let upstream = CountingDNS(answer: Self.answer(.noError, ttl: 300))
        let cache = CachingDNSResolver(wrapping: upstream)
        let answers = await withTaskGroup(of: DNSAnswer?.self) { group in
            for _ in 0..<20 { group.addTask { try? await cache.query("Mail.Example.test", type: .a) } }
            return await group.reduce(into: [DNSAnswer?]()) { $0.append($1) }
        }
        #expect(answers.count == 20 && answers.allSatisfy { $0?.records.count == 1 })
        #expect(upstream.asked.withLock { $0 } == 1)
        _ = try await cache.query("mail.example.test", type: .a)
        #expect(upstream.asked.withLock { $0 } == 1, "kept for its TTL")
        _ = try await cache.query("mail.example.test", type: .aaaa)
        #expect(upstream.asked.withLock { $0 } == 2, "another type is another question")
        #expect(cache.count == 2)
    }

    @Test(
        "what is kept: records by TTL, NXDOMAIN and no data by the SOA, never errors or TTL 0",
        arguments: [
            (DNSResponseCode.noError, UInt32?(300), UInt32?(nil), true),
            (.noError, 0, nil, false),
            (.nameError, nil, 60, true),
            (.nameError, nil, nil, false),
            (.noError, nil, 60, true),
            (.serverFailure, nil, 60, false),
            (.refused, nil, nil, false),
        ])
    func keeping(rcode: DNSResponseCode, ttl: UInt32?, soaMinimum: UInt32?, kept: Bool) async throws {
        let upstream = CountingDNS(pause: .zero, answer: Self.answer(rcode, ttl: ttl, soaMinimum: soaMinimum))
        let cache = CachingDNSResolver(wrapping: upstream)
        let first = try await cache.query("x.test", type: .a)
        #expect(first.rcode == rcode)
        _ = try await cache.query("x.test", type: .a)
        #expect(upstream.asked.withLock { $0 } == (kept ? 1 : 2))
    }

    @Test("a cancelled caller stops at once; the shared question is cancelled with its last waiter")
    func cancellation() async throws {
        let upstream = CountingDNS(pause: .seconds(60), answer: Self.answer(.noError, ttl: 300))
        let cache = CachingDNSResolver(wrapping: upstream)
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await cache.query("slow.test", type: .a) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled query answered")
        } catch {
            #expect((error as? DNSResolveError)?.code == .cancelled)
        }
        #expect(clock.now - start < .seconds(10), "cancelled, not the 60 s pause")
        for _ in 0..<200 where upstream.cancelled.withLock({ $0 }) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(upstream.cancelled.withLock { $0 } == 1, "nobody waits: the upstream question is cancelled")
        #expect(cache.count == 0)
    }

    @Test("bounded: a full cache drops the answers closest to expiring, down to three quarters")
    func bounded() async throws {
        let upstream = CountingDNS(pause: .zero) { name, type in
            // The later the name, the longer its TTL: d0 expires first.
            let ttl = UInt32(name.dropFirst().prefix { $0 != "." })! + 100
            return Self.answer(.noError, ttl: ttl)(name, type)
        }
        let cache = CachingDNSResolver(wrapping: upstream, capacity: 100)
        for index in 0..<1000 { _ = try await cache.query("d\(index).test", type: .a) }
        #expect(cache.count <= 100, "never more than the capacity")
        #expect(cache.count >= 75, "made room down to three quarters, not emptied")
        _ = try await cache.query("d999.test", type: .a)
        #expect(upstream.asked.withLock { $0 } == 1000, "the newest answer is still kept")
        _ = try await cache.query("d0.test", type: .a)
        #expect(upstream.asked.withLock { $0 } == 1001, "the one closest to expiring was dropped")
    }
}
