import MailSettings
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One long-lived UDP channel to one DNS server, with many queries in flight on it.
///
/// The channel is connected to the server from a port the kernel picks at random; the kernel then
/// drops datagrams from any other address and port before they are read, and ``receive(_:)``
/// checks the source again. An answer goes to the query in flight with its ID and question
/// (``PendingQueries``); anything else is dropped and the queries keep waiting.
///
/// The connection closes itself once no query is in flight and it is retired (its
/// ``DNSUDPChannelPool`` gave out its last query), past its lifetime, or idle for the pool's idle
/// time; it then leaves the pool, which opens a fresh one, on a new random port, when next asked.
/// From its first query until it has closed with no query in flight, one timer is scheduled: it
/// ends the queries that time out and closes the channel when idle; after that, nothing is left
/// scheduled and nothing refers to the connection.
///
/// All state lives on the channel's event loop, in a ``NIOLoopBoundBox`` (which checks it is used
/// there); the methods after `MARK: On the event loop` run there.
final class DNSUDPConnection: Sendable {
    /// The loop the channel, its state and its timer live on.
    let eventLoop: any EventLoop
    /// The server asked.
    let server: DNSServer
    /// How long a query waits for its answer.
    let timeout: TimeAmount
    /// When the connection stops taking queries: it closes once those in flight have ended.
    let expiry: NIODeadline
    /// How long the connection stays open with no query in flight.
    let idleTimeout: TimeAmount
    /// Told when the connection closes, so that it is not given out again.
    private let onClose: @Sendable (DNSUDPConnection) -> Void
    private let state: NIOLoopBoundBox<State>

    private enum Phase {
        /// The channel is being opened; the queries sent so far wait here.
        case opening(queued: [(bytes: [UInt8], ticket: PendingQueries.Ticket)])
        case open(any Channel)
        /// Closed, or never opened: no query is taken any more; those in flight time out.
        case closed
    }

    private struct State {
        var phase: Phase = .opening(queued: [])
        var pending = PendingQueries()
        /// Set when the pool gave out the last query this connection may carry.
        var retiring = false
        /// When the last query was sent: the idle time counts from there.
        var lastActive: NIODeadline
        var timer: Scheduled<Void>?
        var timerDeadline: NIODeadline?
    }

    /// A connection, still to be opened with ``open()``.
    init(
        server: DNSServer, eventLoop: any EventLoop, timeout: TimeAmount, lifetime: TimeAmount,
        idleTimeout: TimeAmount, onClose: @escaping @Sendable (DNSUDPConnection) -> Void
    ) {
        let now = NIODeadline.now()
        self.server = server
        self.eventLoop = eventLoop
        self.timeout = timeout
        self.expiry = now + lifetime
        self.idleTimeout = idleTimeout
        self.onClose = onClose
        self.state = .makeBoxSendingValue(State(lastActive: now), eventLoop: eventLoop)
    }

    /// Opens the channel; the queries sent meanwhile go out once it is open.
    func open() {
        let target = server.socketAddress
        DatagramBootstrap(group: eventLoop)
            // Up to 16 datagrams per read event: with many queries in flight, answers arrive together.
            .channelOption(.maxMessagesPerRead, value: 16)
            // Room for the answers to many queries arriving at once (the kernel caps it at rmem_max).
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(connection: self))
                }
            }
            .connect(to: target)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel): opened(channel)
                case .failure(let error): openFailed(error)
                }
            }
    }

    /// Sends `query` and waits for its answer; `nil` when the connection had already closed, so the
    /// caller asks the pool for another. `retire`: this is the last query the connection takes.
    func exchange(_ query: DNSQuery, retire: Bool) async -> DNSExchangeOutcome? {
        let promise = eventLoop.makePromise(of: DNSExchangeOutcome.self)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<DNSExchangeOutcome?, Never>) in
                eventLoop.execute { [self] in
                    let ticket: PendingQueries.Ticket
                    switch start(query, promise: promise, retire: retire) {
                    case .started(let started):
                        ticket = started
                    case .closed:
                        promise.succeed(.timedOut)  // unused: a promise must not be left open
                        continuation.resume(returning: nil)
                        return
                    case .refused(let outcome):
                        promise.succeed(outcome)
                        continuation.resume(returning: outcome)
                        return
                    }
                    promise.futureResult.whenComplete { [self] result in
                        // Whichever way the query ended (answer, timeout, failure, cancellation),
                        // its entry leaves the table here, at once.
                        finish(ticket)
                        switch result {
                        case .success(let outcome): continuation.resume(returning: outcome)
                        case .failure: continuation.resume(returning: .failed(DNSResolveError(.cancelled, reason: "cancelled")))
                        }
                    }
                }
            }
        } onCancel: {
            promise.succeed(.failed(DNSResolveError(.cancelled, reason: "cancelled")))
        }
    }

    /// The number of queries in flight (for tests).
    func pendingCount() -> EventLoopFuture<Int> {
        eventLoop.submit { [self] in state.value.pending.count }
    }

    // MARK: On the event loop

    private enum Start {
        /// Sent (or queued until the channel is open), in flight under this ticket.
        case started(PendingQueries.Ticket)
        /// The connection has closed: ask the pool for another.
        case closed
        /// Not sent: every ID is in flight on this channel.
        case refused(DNSExchangeOutcome)
    }

    /// Registers `query` under a fresh ID and sends it.
    private func start(_ query: DNSQuery, promise: EventLoopPromise<DNSExchangeOutcome>, retire: Bool) -> Start {
        if case .closed = state.value.phase { return .closed }
        let now = NIODeadline.now()
        let deadline = now + timeout
        guard let (query, ticket) = state.value.pending.add(query, promise: promise, deadline: deadline) else {
            return .refused(.failed(DNSResolveError(.connectionFailed, reason: "too many queries in flight to \(server)")))
        }
        state.value.lastActive = now
        if retire { state.value.retiring = true }
        armTimer(at: deadline)
        let bytes = query.encode()
        switch state.value.phase {
        case .opening(let queued):
            state.value.phase = .opening(queued: queued + [(bytes, ticket)])
        case .open(let channel):
            send(bytes, ticket: ticket, on: channel)
        case .closed:
            break
        }
        return .started(ticket)
    }

    private func send(_ bytes: [UInt8], ticket: PendingQueries.Ticket, on channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer).whenFailure { [self] error in sendFailed(ticket, error: error) }
    }

    /// A datagram could not be sent. "Connection refused" comes from an earlier ICMP error, which
    /// anyone can forge: the query then keeps waiting, as for a lost datagram, until its timeout.
    /// Other errors (no route to the server, say) end the query at once.
    private func sendFailed(_ ticket: PendingQueries.Ticket, error: any Error) {
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return }
        if let error = error as? ChannelError, error == .ioOnClosedChannel || error == .alreadyClosed { return }
        guard let entry = state.value.pending.remove(ticket) else { return }
        entry.promise.succeed(.failed(DNSResolveError(.connectionFailed, reason: "cannot send to \(server): \(error)")))
    }

    /// The query with this ticket has ended: removes it, and closes the connection if it is done.
    private func finish(_ ticket: PendingQueries.Ticket) {
        _ = state.value.pending.remove(ticket)
        guard state.value.pending.isEmpty else { return }
        if state.value.retiring || NIODeadline.now() >= expiry {
            close()
        } else if case .open = state.value.phase {
            // The timer may wait for a deadline that no longer matters: bring it to the idle end.
            armTimer(at: state.value.lastActive + idleTimeout)
        }
    }

    private func opened(_ channel: any Channel) {
        guard case .opening(let queued) = state.value.phase else {
            channel.close(promise: nil)
            return
        }
        state.value.phase = .open(channel)
        for (bytes, ticket) in queued { send(bytes, ticket: ticket, on: channel) }
    }

    private func openFailed(_ error: any Error) {
        state.value.phase = .closed
        onClose(self)
        let failure = DNSResolveError(.connectionFailed, reason: "cannot open a UDP socket for \(server): \(error)")
        for entry in state.value.pending.removeAll() { entry.promise.succeed(.failed(failure)) }
    }

    /// A datagram from the channel: the answer to a query in flight, or dropped.
    fileprivate func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        // From elsewhere, another ID or question, or damaged: not an answer; the queries keep waiting.
        guard envelope.remoteAddress == server.socketAddress else { return }
        let bytes = Array(envelope.data.readableBytesView)
        guard let header = try? DNSHeader(bytes: bytes), state.value.pending.contains(id: header.id),
            let message = try? DNSMessage(bytes: bytes),
            let entry = state.value.pending.takeEntry(answeredBy: message)
        else { return }
        entry.promise.succeed(.answer(message, overTCP: false))
    }

    /// The channel closed by itself (a fatal socket error): the queries in flight time out, as if
    /// their datagrams were lost; new ones go to a fresh connection.
    fileprivate func channelClosed() {
        if case .closed = state.value.phase { return }
        state.value.phase = .closed
        onClose(self)
    }

    private func close() {
        guard case .open(let channel) = state.value.phase else { return }
        state.value.phase = .closed
        onClose(self)
        channel.close(promise: nil)
        if state.value.pending.isEmpty {
            state.value.timer?.cancel()
            state.value.timer = nil
            state.value.timerDeadline = nil
        }
    }

    /// Makes the timer fire at `deadline` at the latest.
    private func armTimer(at deadline: NIODeadline) {
        if state.value.timer != nil, let current = state.value.timerDeadline, current <= deadline { return }
        state.value.timer?.cancel()
        state.value.timerDeadline = deadline
        state.value.timer = eventLoop.scheduleTask(deadline: deadline) { [self] in timerFired() }
    }

    /// Ends the queries that timed out, then waits for the next deadline, or closes when idle.
    private func timerFired() {
        state.value.timer = nil
        state.value.timerDeadline = nil
        let now = NIODeadline.now()
        for entry in state.value.pending.removeExpired(now: now) { entry.promise.succeed(.timedOut) }
        if let next = state.value.pending.nextDeadline {
            armTimer(at: next)
            return
        }
        guard case .open = state.value.phase else { return }
        let idleEnd = state.value.lastActive + idleTimeout
        if state.value.retiring || now >= idleEnd || now >= expiry {
            close()
        } else {
            armTimer(at: idleEnd)
        }
    }

    /// Hands the channel's datagrams and its closing to the connection.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>

        let connection: DNSUDPConnection

        init(connection: DNSUDPConnection) {
            self.connection = connection
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            connection.receive(unwrapInboundIn(data))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // An ICMP "port unreachable" shows up here: keep waiting, as a forged one could.
        }

        func channelInactive(context: ChannelHandlerContext) {
            connection.channelClosed()
            context.fireChannelInactive()
        }
    }
}
