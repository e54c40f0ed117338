import Synchronization

/// At most a fixed number of queries in flight to one server; the others wait their turn, in the
/// order they came.
///
/// A DNS server reads its one UDP socket from a queue of fixed size: a burst of queries larger than
/// that queue is dropped by the kernel before the server sees it, and each dropped query costs its
/// asker a whole timeout. A batch of 32 lookups at once sends some 500 queries in a burst; dnsmasq's
/// queue holds about 200. Waiting here costs microseconds instead.
final class InFlightLimit: Sendable {
    private typealias Waiter = CheckedContinuation<Bool, Never>

    private struct State {
        var inFlight = 0
        var waiting: [(id: Int, waiter: Waiter)] = []
        var nextID = 0
    }

    /// The most queries in flight at once.
    let maximum: Int
    private let state = Mutex(State())

    /// A limit of `maximum` (at least 1).
    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// The queries in flight now, and those waiting (for tests).
    var counts: (inFlight: Int, waiting: Int) { state.withLock { ($0.inFlight, $0.waiting.count) } }

    /// Takes a place, waiting for one when all are taken. Returns false, at once and without a
    /// place, when the calling task is cancelled.
    func enter() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let admitted = state.withLock { state -> Bool in
                    if state.inFlight < maximum, state.waiting.isEmpty {
                        state.inFlight += 1
                        return true
                    }
                    state.waiting.append((id, waiter))
                    return false
                }
                if admitted {
                    waiter.resume(returning: true)
                } else if Task.isCancelled {
                    leave(id)
                }
            }
        } onCancel: {
            leave(id)
        }
    }

    /// Gives a place back: the first waiter takes it.
    func exit() {
        let next = state.withLock { state -> Waiter? in
            guard !state.waiting.isEmpty else {
                state.inFlight -= 1
                return nil
            }
            return state.waiting.removeFirst().waiter
        }
        next?.resume(returning: true)
    }

    /// A cancelled waiter stops waiting, without a place.
    private func leave(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiting.remove(at: index).waiter
        }
        waiter?.resume(returning: false)
    }
}
