import Synchronization

/// Results kept for a while and shared: the first caller for a key does the work, callers that
/// come meanwhile wait for the same result, and later callers get the kept result until it
/// expires. A cancelled caller stops waiting at once; the work is cancelled when nobody waits.
///
/// What is kept is bounded: each value has a cost (1 unless told otherwise, bytes for HTTP
/// bodies), and when keeping one more would pass ``capacity``, expired values go first, then those
/// closest to expiring, down to three quarters of the capacity — so a batch of any length runs in
/// bounded memory.
///
/// The caches of `batch` (DNS answers, HTTP results) are built on it.
final class SharedResults<Key: Hashable & Sendable, Value: Sendable, Failure: Error>: Sendable {
    private typealias Waiter = CheckedContinuation<Result<Value, Failure>, Never>

    private struct Kept {
        var value: Value
        var expires: ContinuousClock.Instant
        var cost: Int
    }

    private struct State {
        var kept: [Key: Kept] = [:]
        var keptCost = 0
        var pending: [Key: Pending] = [:]
        var nextWaiter = 0

        /// Keeps `value`, first making room by dropping expired values, then the soonest to expire.
        mutating func keep(_ value: Value, for key: Key, until expires: ContinuousClock.Instant, cost: Int, capacity: Int, now: ContinuousClock.Instant) {
            if let old = kept.removeValue(forKey: key) { keptCost -= old.cost }
            guard cost <= capacity / 4 else { return }
            if keptCost + cost > capacity {
                for (key, entry) in kept where entry.expires <= now {
                    kept.removeValue(forKey: key)
                    keptCost -= entry.cost
                }
            }
            if keptCost + cost > capacity {
                let goal = capacity / 4 * 3 - cost
                for (key, entry) in kept.sorted(by: { $0.value.expires < $1.value.expires }) {
                    guard keptCost > goal else { break }
                    kept.removeValue(forKey: key)
                    keptCost -= entry.cost
                }
            }
            kept[key] = Kept(value: value, expires: expires, cost: cost)
            keptCost += cost
        }
    }

    private struct Pending {
        var task: Task<Void, Never>?
        var waiters: [Int: Waiter] = [:]
    }

    private let clock = ContinuousClock()
    private let state = Mutex(State())
    private let cost: @Sendable (Value) -> Int

    /// The most cost kept at once; a value costing more than a quarter of it is never kept.
    let capacity: Int

    /// Results shared and kept up to `capacity`, each value costing `cost` (1 by default).
    init(capacity: Int, cost: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        self.capacity = capacity
        self.cost = cost
    }

    /// The number of results kept now (expired ones included until room is needed).
    var count: Int { state.withLock { $0.kept.count } }

    /// The cost of the results kept now.
    var keptCost: Int { state.withLock { $0.keptCost } }

    /// The result for `key`: kept, shared, or made by `work`.
    ///
    /// - Parameters:
    ///   - keepFor: how long a value may be kept; nil keeps it not at all. Failures are never kept.
    ///   - cancelled: the failure a cancelled caller gets.
    ///   - work: makes the value.
    func value(
        for key: Key, keepFor: @escaping @Sendable (Value) -> Duration?, cancelled: @escaping @Sendable () -> Failure,
        work: @escaping @Sendable () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let now = clock.now
        if let kept = state.withLock({ $0.kept[key] }), kept.expires > now {
            return kept.value
        }
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let starts = state.withLock { state -> Bool in
                    let isNew = state.pending[key] == nil
                    state.pending[key, default: Pending()].waiters[id] = waiter
                    return isNew
                }
                if starts { start(key, keepFor: keepFor, work: work) }
                // Cancelled before the waiter was registered: the handler found nothing to cancel.
                if Task.isCancelled { leave(id, of: key, with: cancelled()) }
            }
        } onCancel: {
            leave(id, of: key, with: cancelled())
        }
        return try result.get()
    }

    /// Does the work, then hands the result to every waiter and keeps what may be kept.
    private func start(
        _ key: Key, keepFor: @escaping @Sendable (Value) -> Duration?, work: @escaping @Sendable () async throws(Failure) -> Value
    ) {
        let task = Task {
            let result: Result<Value, Failure>
            do throws(Failure) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            let waiters = state.withLock { state -> [Waiter] in
                let waiters = state.pending.removeValue(forKey: key)?.waiters.values.map { $0 } ?? []
                if case .success(let value) = result, let time = keepFor(value) {
                    let now = clock.now
                    state.keep(value, for: key, until: now + time, cost: cost(value), capacity: capacity, now: now)
                }
                return waiters
            }
            for waiter in waiters { waiter.resume(returning: result) }
        }
        state.withLock { state in
            if state.pending[key] != nil { state.pending[key]?.task = task }
        }
    }

    /// A cancelled caller stops waiting; the work is cancelled when it was the last one.
    private func leave(_ id: Int, of key: Key, with failure: Failure) {
        let (waiter, orphaned) = state.withLock { state -> (Waiter?, Task<Void, Never>?) in
            let waiter = state.pending[key]?.waiters.removeValue(forKey: id)
            let orphaned = state.pending[key]?.waiters.isEmpty == true ? state.pending[key]?.task : nil
            return (waiter, orphaned)
        }
        waiter?.resume(returning: .failure(failure))
        orphaned?.cancel()
    }
}
