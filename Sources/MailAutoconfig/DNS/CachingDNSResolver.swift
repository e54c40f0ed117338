import MailSettings
import Synchronization

/// A ``DNSResolving`` that remembers answers for as long as their records say (the smallest TTL),
/// and asks once when several tasks want the same answer at the same time: for batches, where
/// many addresses share domains and mail hosts.
///
/// Negative answers (NXDOMAIN, no data) are kept for the SOA's negative TTL (RFC 2308) when the
/// server sent one; answers with an error code (SERVFAIL, REFUSED) and failures are never kept.
/// No answer is kept longer than ``maximumTTL``. A caller that is cancelled stops waiting at once;
/// the shared question is cancelled when nobody waits for it any more.
///
/// ```swift
/// let dns = CachingDNSResolver(wrapping: NIODNSResolver(configuration: try .system()))
/// ```
public final class CachingDNSResolver: DNSResolving {
    /// The longest an answer is kept, whatever its TTL.
    public let maximumTTL: Duration
    private let upstream: any DNSResolving
    private let clock = ContinuousClock()
    private let state = Mutex(State())

    private typealias Waiter = CheckedContinuation<Result<DNSAnswer, DNSResolveError>, Never>

    private struct State {
        var answers: [DNSQuestion: (answer: DNSAnswer, expires: ContinuousClock.Instant)] = [:]
        var pending: [DNSQuestion: Pending] = [:]
        var nextWaiter = 0
    }

    private struct Pending {
        var task: Task<Void, Never>?
        var waiters: [Int: Waiter] = [:]
    }

    /// A cache in front of `upstream`.
    public init(wrapping upstream: any DNSResolving, maximumTTL: Duration = .seconds(3600)) {
        self.upstream = upstream
        self.maximumTTL = maximumTTL
    }

    /// The number of answers kept now (expired ones included until they are asked again).
    public var count: Int { state.withLock { $0.answers.count } }

    /// Answers from the cache when it can, else asks upstream once for everyone who asks meanwhile.
    public func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        let question = DNSQuestion(name: name.lowercased(), type: type)
        let now = clock.now
        if let kept = state.withLock({ $0.answers[question] }), kept.expires > now {
            return kept.answer
        }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let startsQuestion = state.withLock { state -> Bool in
                    let isNew = state.pending[question] == nil
                    state.pending[question, default: Pending()].waiters[id] = waiter
                    return isNew
                }
                if startsQuestion { ask(question, name: name, type: type) }
                // Cancelled before the waiter was registered: the handler found nothing to cancel.
                if Task.isCancelled { cancelWaiter(id, of: question) }
            }
        } onCancel: {
            cancelWaiter(id, of: question)
        }
        return try result.get()
    }

    /// Asks upstream, then hands the result to every waiter and keeps what may be kept.
    private func ask(_ question: DNSQuestion, name: String, type: DNSRecordType) {
        let upstream = self.upstream
        let task = Task {
            let result: Result<DNSAnswer, DNSResolveError>
            do throws(DNSResolveError) {
                result = .success(try await upstream.query(name, type: type))
            } catch {
                result = .failure(error)
            }
            let waiters = state.withLock { state -> [Waiter] in
                let waiters = state.pending.removeValue(forKey: question)?.waiters.values.map { $0 } ?? []
                if case .success(let answer) = result, let ttl = keepingTime(answer) {
                    state.answers[question] = (answer, clock.now + ttl)
                }
                return waiters
            }
            for waiter in waiters { waiter.resume(returning: result) }
        }
        state.withLock { state in
            if state.pending[question] != nil { state.pending[question]?.task = task }
        }
    }

    /// A cancelled caller stops waiting; the question is cancelled when it was the last one.
    private func cancelWaiter(_ id: Int, of question: DNSQuestion) {
        let (waiter, orphaned) = state.withLock { state -> (Waiter?, Task<Void, Never>?) in
            let waiter = state.pending[question]?.waiters.removeValue(forKey: id)
            let orphaned = state.pending[question]?.waiters.isEmpty == true ? state.pending[question]?.task : nil
            return (waiter, orphaned)
        }
        waiter?.resume(returning: .failure(DNSResolveError(.cancelled, subject: "\(question.name) \(question.type)", reason: "cancelled")))
        orphaned?.cancel()
    }

    /// How long an answer may be kept: its smallest TTL, the SOA's negative TTL for NXDOMAIN and
    /// "no data", nothing for error codes; never more than ``maximumTTL``.
    func keepingTime(_ answer: DNSAnswer) -> Duration? {
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
