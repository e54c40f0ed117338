import MailSettings
import NIOCore
import Synchronization

/// Long-lived UDP channels to DNS servers, a few per server, each carrying many queries at once.
///
/// Opening a channel per query (bootstrap, pipeline, socket, connect, register, close: about eleven
/// system calls) costs more than the query; here a query costs one `sendmsg` and a share of a
/// `recvmsg`. Each query goes to one of ``Limits/channelsPerServer`` slots, picked at random; a
/// slot holds a ``DNSUDPConnection``, opened on first use from a random port the kernel picks.
/// A connection is retired after ``Limits/queriesPerChannel`` queries or ``Limits/channelLifetime``,
/// whichever comes first: it takes no more queries, closes once those in flight have ended, and
/// the slot gets a fresh connection, on a new random port, when next picked. An idle connection
/// closes after ``Limits/idleTimeout``; once nothing is asked, no channel stays open and nothing is
/// scheduled. At most ``Limits/queriesInFlightPerServer`` queries are in flight to one server; the
/// others wait their turn (``InFlightLimit``), so that a burst never overflows the server's queue.
///
/// ## Security
///
/// An off-path attacker who wants a forged answer taken must send it from the server's address
/// and port to one of our open ports, with the ID and question of a query in flight on that port,
/// before the real answer arrives. Per query that is, as with a fresh socket per query, a guess of
/// the port (about 15 bits on Linux's default ephemeral range) and of the 16-bit random ID (no two
/// queries in flight on a channel share one). What changes:
///
/// - A port now lives for up to ``Limits/queriesPerChannel`` queries or
///   ``Limits/channelLifetime``, not one query. An attacker who learns a port (by a side channel
///   such as the ICMP rate-limit scan of "SAD DNS", CVE-2020-25705) can use it for the rest of that
///   life, and then has only the 16-bit ID to guess. The limits bound that window; after it the port
///   changes.
/// - With k queries for the attacker's chosen question in flight on one port, one forged datagram
///   hits with probability k / 65,536 once the port is known; without the pool each query had its
///   own port. Queries with other questions are never matched by it.
/// - Fewer ports are open at once (``Limits/channelsPerServer`` per server instead of one per query
///   in flight), so a blind guess of the port is, if anything, harder.
///
/// Answers are taken only from the server's address and port (the socket is connected, and the
/// source is checked again), repeating the ID and the question; everything else is dropped and the
/// queries keep waiting. TCP (after a truncated answer) still uses one connection per query.
final class DNSUDPChannelPool: Sendable {
    /// How many channels, and how long each lives.
    struct Limits: Sendable {
        /// The channels open at most per server; each query picks one at random.
        var channelsPerServer = 4
        /// The queries one channel carries before it is retired and its port changes.
        var queriesPerChannel = 128
        /// The time after which a channel takes no more queries, however few it has carried.
        var channelLifetime = TimeAmount.seconds(10)
        /// The time a channel with no query in flight stays open.
        var idleTimeout = TimeAmount.seconds(2)
        /// The queries in flight at most to one server, over all its channels (dnsperf's default).
        var queriesInFlightPerServer = 100
    }

    /// The event loops the channels run on.
    let eventLoopGroup: any EventLoopGroup
    /// How long a query waits for its answer.
    let timeout: TimeAmount
    /// How many channels, and how long each lives.
    let limits: Limits

    /// A slot's connection and what it may still carry.
    private struct Slot {
        let connection: DNSUDPConnection
        var queriesLeft: Int
    }

    /// The slots, per server.
    private let slots = Mutex<[DNSServer: [Slot?]]>([:])
    /// The places for queries in flight, per server (kept for the pool's life: one per server asked).
    private let inFlightLimits = Mutex<[DNSServer: InFlightLimit]>([:])

    /// A pool whose queries each wait `timeout`.
    init(eventLoopGroup: any EventLoopGroup, timeout: TimeAmount, limits: Limits = Limits()) {
        precondition(limits.channelsPerServer >= 1 && limits.queriesPerChannel >= 1)
        self.eventLoopGroup = eventLoopGroup
        self.timeout = timeout
        self.limits = limits
    }

    /// Sends `query` (its ID is replaced by a fresh random one) to `server` over UDP and waits for
    /// the answer, the timeout or the cancellation of the calling task.
    func exchange(_ query: DNSQuery, with server: DNSServer) async -> DNSExchangeOutcome {
        let limit = inFlightLimit(for: server)
        guard await limit.enter() else { return .failed(DNSResolveError(.cancelled, reason: "cancelled")) }
        defer { limit.exit() }
        while true {
            if Task.isCancelled { return .failed(DNSResolveError(.cancelled, reason: "cancelled")) }
            let (connection, isLast) = checkOut(server)
            // nil: the connection closed between the pick and the send; pick again.
            if let outcome = await connection.exchange(query, retire: isLast) { return outcome }
        }
    }

    /// Picks a random slot for `server` and one query's use of its connection, opening a fresh
    /// connection when the slot is empty or its connection past its lifetime. `isLast`: this use is
    /// the connection's last; the slot is emptied.
    private func checkOut(_ server: DNSServer) -> (connection: DNSUDPConnection, isLast: Bool) {
        var generator = SystemRandomNumberGenerator()
        let index = Int.random(in: 0..<limits.channelsPerServer, using: &generator)
        let now = NIODeadline.now()
        let (connection, isLast, isNew) = slots.withLock { table in
            table[server, default: Array(repeating: nil, count: limits.channelsPerServer)].withUnsafeMutableBufferPointer {
                serverSlots -> (DNSUDPConnection, Bool, Bool) in
                if var slot = serverSlots[index], now < slot.connection.expiry {
                    slot.queriesLeft -= 1
                    serverSlots[index] = slot.queriesLeft > 0 ? slot : nil
                    return (slot.connection, slot.queriesLeft == 0, false)
                }
                let connection = DNSUDPConnection(
                    server: server, eventLoop: eventLoopGroup.next(), timeout: timeout,
                    lifetime: limits.channelLifetime, idleTimeout: limits.idleTimeout,
                    onClose: { [self] closed in forget(closed) })
                let left = limits.queriesPerChannel - 1
                serverSlots[index] = left > 0 ? Slot(connection: connection, queriesLeft: left) : nil
                return (connection, left == 0, true)
            }
        }
        if isNew { connection.open() }
        return (connection, isLast)
    }

    /// The in-flight limit of `server`, made on first use.
    func inFlightLimit(for server: DNSServer) -> InFlightLimit {
        inFlightLimits.withLock { table in
            if let limit = table[server] { return limit }
            let limit = InFlightLimit(maximum: limits.queriesInFlightPerServer)
            table[server] = limit
            return limit
        }
    }

    /// Takes a closed connection out of its slot, so that the slot gets a fresh one.
    private func forget(_ connection: DNSUDPConnection) {
        slots.withLock { table in
            guard var serverSlots = table[connection.server] else { return }
            for index in serverSlots.indices where serverSlots[index]?.connection === connection {
                serverSlots[index] = nil
            }
            table[connection.server] = serverSlots.contains(where: { $0 != nil }) ? serverSlots : nil
        }
    }

    /// The connections in the slots now (for tests).
    func openConnections() -> [DNSUDPConnection] {
        slots.withLock { table in table.values.flatMap { $0.compactMap { $0?.connection } } }
    }
}
