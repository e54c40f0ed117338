import MailSettings
import NIOCore
import NIOPosix

/// The default ``DNSResolving``: asks DNS servers directly, over UDP on swift-nio, and again
/// over TCP when the UDP answer is truncated (the TC bit).
///
/// ```swift
/// let resolver = NIODNSResolver(servers: [try DNSServer(parsing: "127.0.0.1:5353")], timeout: .seconds(2))
/// let answer = try await resolver.query("example.com", type: .mx)
/// ```
///
/// Each try gets a random 16-bit query ID (from `SystemRandomNumberGenerator`) and goes out on one
/// of a few long-lived UDP sockets per server, picked at random; each socket is connected from a
/// random port and replaced by a fresh one, on a new port, after 128 queries or 10 seconds, and
/// closed after 2 idle seconds. No two queries in flight on one socket share an ID.
/// A datagram is taken as the answer only when it comes from the server's address and port,
/// repeats the ID and repeats the question; anything else (stale, spoofed or damaged) is
/// dropped, and the try keeps waiting until its ``DNSConfiguration/timeout``.
///
/// Servers are asked in order: one that does not answer in time is followed by the next, for
/// ``DNSConfiguration/attempts`` rounds. An answer with SERVFAIL, REFUSED, NOTIMP or FORMERR
/// sends the question to the next server too; when no server does better, that answer is
/// returned. Cancelling the calling task ends the query at once.
public struct NIODNSResolver: DNSResolving {
    /// The servers and the patience.
    public let configuration: DNSConfiguration
    private let eventLoopGroup: any EventLoopGroup
    /// The UDP sockets, shared by the copies of this resolver.
    let udpPool: DNSUDPChannelPool

    /// A resolver with a configuration (``DNSConfiguration/system(path:)`` for the system's).
    ///
    /// - Parameters:
    ///   - configuration: The servers to ask, the time a try waits, and the rounds.
    ///   - eventLoopGroup: The event loops to run on; `MultiThreadedEventLoopGroup.singleton` by default.
    public init(configuration: DNSConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(configuration: configuration, eventLoopGroup: eventLoopGroup, udpLimits: DNSUDPChannelPool.Limits())
    }

    /// A resolver whose UDP sockets follow `udpLimits` (for tests).
    init(configuration: DNSConfiguration, eventLoopGroup: any EventLoopGroup, udpLimits: DNSUDPChannelPool.Limits) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.udpPool = DNSUDPChannelPool(
            eventLoopGroup: eventLoopGroup, timeout: TimeAmount(configuration.timeout), limits: udpLimits)
    }

    /// A resolver that asks `servers`, in order.
    ///
    /// - Parameters:
    ///   - servers: The servers to ask.
    ///   - timeout: How long one try waits for one server.
    ///   - attempts: How many rounds over the servers.
    ///   - eventLoopGroup: The event loops to run on; `MultiThreadedEventLoopGroup.singleton` by default.
    public init(
        servers: [DNSServer], timeout: Duration = DNSConfiguration.defaultTimeout,
        attempts: Int = DNSConfiguration.defaultAttempts,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.init(configuration: DNSConfiguration(servers: servers, timeout: timeout, attempts: attempts), eventLoopGroup: eventLoopGroup)
    }

    /// Asks for the records of `type` at `name`; see ``DNSResolving/query(_:type:)``.
    public func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        // Only errors name the question: no string is made for an answer.
        var subject: String { "\(name) \(type)" }
        let servers = configuration.servers
        guard !servers.isEmpty else {
            throw DNSResolveError(.noServers, subject: subject, reason: "no DNS server to ask; give one (--dns-server ADDRESS[:PORT])")
        }
        // Check and encode the name once; every try then gives the query a fresh random ID.
        let query: DNSQuery
        do {
            query = try DNSQuery(id: 0, name: name, type: type)
        } catch {
            throw DNSResolveError(.invalidName, subject: subject, reason: "cannot be asked: \(error)")
        }

        var fallback: DNSAnswer?
        var settled = Set<Int>()  // servers that answered with an error code: not asked again
        var lastFailure: DNSResolveError?  // a failure other than a timeout, such as a refused TCP connection
        for _ in 0..<configuration.attempts {
            for (index, server) in servers.enumerated() where !settled.contains(index) {
                if Task.isCancelled { throw DNSResolveError(.cancelled, subject: subject, reason: "cancelled") }
                let outcome = await exchange(query, with: server)
                switch outcome {
                case .answer(let message, let overTCP):
                    let answer = DNSAnswer(
                        question: query.question, rcode: message.rcode, records: message.answers,
                        authorities: message.authorities, authenticData: message.authenticData, server: server,
                        overTCP: overTCP)
                    switch message.rcode {
                    case .serverFailure, .refused, .notImplemented, .formatError:
                        fallback = answer
                        settled.insert(index)
                    default:
                        return answer
                    }
                case .timedOut:
                    continue
                case .failed(let error):
                    if error.code == .cancelled { throw DNSResolveError(.cancelled, subject: subject, reason: "cancelled") }
                    lastFailure = DNSResolveError(error.code, subject: subject, reason: error.reason)
                }
            }
            if settled.count == servers.count { break }
        }
        if let fallback { return fallback }
        let names = servers.map(\.description).joined(separator: ", ")
        let tries = configuration.attempts == 1 ? "1 try" : "\(configuration.attempts) tries"
        if let lastFailure { throw lastFailure }
        throw DNSResolveError(
            .timedOut, subject: subject,
            reason: "no answer from \(names) (\(tries) of \(configuration.timeout.secondsText) each); is the server running and reachable?")
    }

    private typealias Outcome = DNSExchangeOutcome

    /// One try with one server: UDP, then TCP when the answer is truncated.
    private func exchange(_ query: DNSQuery, with server: DNSServer) async -> Outcome {
        let udp = await udpPool.exchange(query, with: server)
        guard case .answer(let message, _) = udp, message.isTruncated else { return udp }
        // Over TCP, with a fresh random ID too (from `SystemRandomNumberGenerator`, the default).
        let tcpQuery = {
            var copy = query
            copy.id = UInt16.random(in: .min ... .max)
            return copy
        }()
        let eventLoop = eventLoopGroup.next()
        let timeout = configuration.timeout
        return await run(on: eventLoop) { promise in
            Self.startTCP(tcpQuery, server: server, timeout: timeout, eventLoop: eventLoop, promise: promise)
        }
    }

    /// Runs an exchange that completes `promise`, failing it when the task is cancelled.
    ///
    /// The exchange starts and ends on the event loop, with one hop there (`execute`) and one back
    /// (the continuation): starting the bootstrap or waiting on the future from the task's thread
    /// would add a hop to the event loop for each.
    private func run(
        on eventLoop: any EventLoop, _ start: @escaping @Sendable (EventLoopPromise<Outcome>) -> Void
    ) async -> Outcome {
        let promise = eventLoop.makePromise(of: Outcome.self)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
                eventLoop.execute {
                    promise.futureResult.whenComplete { result in
                        switch result {
                        case .success(let outcome): continuation.resume(returning: outcome)
                        case .failure: continuation.resume(returning: .failed(DNSResolveError(.cancelled, reason: "cancelled")))
                        }
                    }
                    start(promise)
                }
            }
        } onCancel: {
            promise.succeed(.failed(DNSResolveError(.cancelled, reason: "cancelled")))
        }
    }

    private static func startTCP(
        _ query: DNSQuery, server: DNSServer, timeout: Duration, eventLoop: any EventLoop,
        promise: EventLoopPromise<Outcome>
    ) {
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { promise.succeed(.timedOut) }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        let channelFuture = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DNSTCPHandler(query: query, server: server, promise: promise))
                }
            }
            .connect(to: server.socketAddress)
        channelFuture.whenComplete { result in
            switch result {
            case .failure(let error):
                promise.succeed(.failed(DNSResolveError(.connectionFailed, reason: "TCP connection to \(server) failed: \(error)")))
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }

    /// Sends the query with its 2-byte length and reads the answer the same way (RFC 1035 4.2.2).
    private final class DNSTCPHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let query: DNSQuery
        let server: DNSServer
        let promise: EventLoopPromise<Outcome>
        var received = ByteBuffer()

        init(query: DNSQuery, server: DNSServer, promise: EventLoopPromise<Outcome>) {
            self.query = query
            self.server = server
            self.promise = promise
        }

        func channelActive(context: ChannelHandlerContext) {
            let bytes = query.encode()
            var buffer = context.channel.allocator.buffer(capacity: bytes.count + 2)
            buffer.writeInteger(UInt16(bytes.count))
            buffer.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            received.writeBuffer(&chunk)
            while let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                received.readableBytes >= 2 + Int(length)
            {
                received.moveReaderIndex(forwardBy: 2)
                let bytes = received.readBytes(length: Int(length)) ?? []
                do {
                    let message = try DNSMessage(bytes: bytes)
                    // Over TCP the connection is ours alone: a message for another question is wrong.
                    guard message.isResponse(to: query) else {
                        fail("malformed answer from \(server) over TCP: it does not repeat the query's ID and question")
                        return
                    }
                    promise.succeed(.answer(message, overTCP: true))
                } catch {
                    fail("malformed answer from \(server) over TCP: \(error)")
                }
                return
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.succeed(
                .failed(DNSResolveError(.connectionFailed, reason: "\(server) closed the TCP connection before answering")))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.succeed(.failed(DNSResolveError(.connectionFailed, reason: "TCP connection to \(server) failed: \(error)")))
            context.close(promise: nil)
        }

        private func fail(_ reason: String) {
            promise.succeed(.failed(DNSResolveError(.malformedAnswer, reason: reason)))
        }
    }
}
