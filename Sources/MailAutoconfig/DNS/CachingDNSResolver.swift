import MailSettings

/// A ``DNSResolving`` that remembers answers for as long as their records say (the smallest TTL),
/// and asks once when several tasks want the same answer at the same time: for batches, where
/// many addresses share domains and mail hosts.
///
/// Negative answers (NXDOMAIN, no data) are kept for the SOA's negative TTL (RFC 2308) when the
/// server sent one; answers with an error code (SERVFAIL, REFUSED) and failures are never kept.
/// No answer is kept longer than ``maximumTTL``, and at most ``capacity`` answers are kept: when
/// full, expired answers go first, then those closest to expiring. A caller that is cancelled stops
/// waiting at once; the shared question is cancelled when nobody waits for it any more.
///
/// ```swift
/// let dns = CachingDNSResolver(wrapping: NIODNSResolver(configuration: try .system()))
/// ```
public final class CachingDNSResolver: DNSResolving {
    /// The longest an answer is kept, whatever its TTL.
    public let maximumTTL: Duration
    private let upstream: any DNSResolving
    private let results: SharedResults<DNSQuestion, DNSAnswer, DNSResolveError>

    /// A cache in front of `upstream` keeping at most `capacity` answers (a few hundred bytes each).
    public init(wrapping upstream: any DNSResolving, maximumTTL: Duration = .seconds(3600), capacity: Int = 50_000) {
        self.upstream = upstream
        self.maximumTTL = maximumTTL
        self.results = SharedResults(capacity: max(capacity, 4))
    }

    /// The most answers kept at once.
    public var capacity: Int { results.capacity }

    /// The number of answers kept now (expired ones included until room is needed).
    public var count: Int { results.count }

    /// Answers from the cache when it can, else asks upstream once for everyone who asks meanwhile.
    public func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        let upstream = self.upstream
        let maximumTTL = self.maximumTTL
        return try await results.value(
            for: DNSQuestion(name: name.lowercased(), type: type),
            keepFor: { Self.keepingTime($0, maximumTTL: maximumTTL) },
            cancelled: { DNSResolveError(.cancelled, subject: "\(name) \(type)", reason: "cancelled") },
            work: { () async throws(DNSResolveError) in try await upstream.query(name, type: type) })
    }

    /// How long an answer may be kept: its smallest TTL, the SOA's negative TTL for NXDOMAIN and
    /// "no data", nothing for error codes; never more than ``maximumTTL``.
    static func keepingTime(_ answer: DNSAnswer, maximumTTL: Duration) -> Duration? {
        let seconds: UInt32?
        switch answer.rcode {
        case .noError where !answer.records.isEmpty:
            seconds = answer.records.map(\.ttl).min()
        case .noError, .nameError:
            seconds = answer.authorities.compactMap { record -> UInt32? in
                guard case .soa(_, _, _, _, _, _, let minimum) = record.data else { return nil }
                return min(record.ttl, minimum)
            }.min()
        default:
            seconds = nil
        }
        guard let seconds, seconds > 0 else { return nil }
        return min(.seconds(Int64(seconds)), maximumTTL)
    }
}
