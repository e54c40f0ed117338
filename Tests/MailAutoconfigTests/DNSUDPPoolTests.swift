@testable import MailAutoconfig
import MailSettings
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// The resolver's long-lived UDP channels, against a small DNS server on loopback that records
/// the source port of every query and answers when and how each test says.
@Suite("DNS UDP channel pool")
struct DNSUDPPoolTests {
    @Test("many queries at once on one channel each get their own answer, however the answers are ordered")
    func multiplexed() async throws {
        // Each answer after 0 to 30 ms, so they come back in another order than the queries went out.
        let server = try await RecordingDNSServer.start { _, name in
            (delay: .milliseconds(Int64.random(in: 0...30)), address: RecordingDNSServer.address(for: name))
        }
        defer { server.close() }
        let resolver = server.resolver(
            timeout: .seconds(5), limits: .init(channelsPerServer: 1, queriesPerChannel: 1000))

        let answers = try await withThrowingTaskGroup(of: (Int, [DNSRecordData]).self) { group in
            for index in 0..<300 {
                group.addTask { (index, try await resolver.query("h\(index).pool.test", type: .a).records.map(\.data)) }
            }
            return try await group.reduce(into: [Int: [DNSRecordData]]()) { $0[$1.0] = $1.1 }
        }
        #expect(server.ports.count == 300)
        #expect(answers.count == 300)
        for (index, records) in answers {
            #expect(records == [.a(RecordingDNSServer.address(for: "h\(index).pool.test"))])
        }
        #expect(server.ports.count == 300)
        #expect(Set(server.ports).count == 1)
        #expect(try await pending(in: resolver) == 0)
    }

    @Test("at most queriesInFlightPerServer queries reach the server at once; the others wait their turn and are answered")
    func inFlightLimit() async throws {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let clock = ContinuousClock()
        // Every answer 50 ms after its query: a place is taken again at least 50 ms after it was last taken.
        let server = try await RecordingDNSServer.start { _, name in
            arrivals.withLock { $0.append(clock.now) }
            return (delay: .milliseconds(50), address: RecordingDNSServer.address(for: name))
        }
        defer { server.close() }
        let limit = 10
        let resolver = server.resolver(timeout: .seconds(5), limits: .init(queriesInFlightPerServer: limit))
        let answered = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<60 {
                group.addTask { try await !resolver.query("q\(index).pool.test", type: .a).records.isEmpty }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(answered == 60)
        let times = arrivals.withLock { $0 }.sorted()
        #expect(times.count == 60)
        // In any 40 ms, no more arrivals than places (all 60 would arrive within a few ms without the limit).
        let busiest = times.indices.map { start in times[start...].prefix { $0 - times[start] < .milliseconds(40) }.count }.max() ?? 0
        #expect(busiest <= limit, "\(busiest) queries reached the server within 40 ms")
        let counts = resolver.udpPool.inFlightLimit(for: server.address).counts
        #expect(counts.inFlight == 0 && counts.waiting == 0)
    }

    @Test("a query cancelled while it waits for a place leaves at once, and takes no place")
    func cancelledWhileWaiting() async throws {
        let limit = InFlightLimit(maximum: 1)
        #expect(await limit.enter())
        let waiting = Task { await limit.enter() }
        while limit.counts.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(limit.counts == (1, 0))
        let next = Task { await limit.enter() }
        while limit.counts.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        limit.exit()
        #expect(await next.value, "the place passes to the next waiter")
        #expect(limit.counts == (1, 0))
        limit.exit()
        #expect(limit.counts == (0, 0))
    }

    @Test("a channel is retired after its queries: the source port changes, and no port carries more than the limit")
    func retiredAfterQueries() async throws {
        let server = try await RecordingDNSServer.start { _, name in (.zero, RecordingDNSServer.address(for: name)) }
        defer { server.close() }
        let limit = 16
        let resolver = server.resolver(timeout: .seconds(5), limits: .init(channelsPerServer: 2, queriesPerChannel: limit))
        // Ten at a time, 200 in all.
        for round in 0..<20 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask { _ = try await resolver.query("r\(round)-\(index).pool.test", type: .a) }
                }
                try await group.waitForAll()
            }
        }
        let ports = server.ports
        #expect(ports.count == 200)
        let perPort = Dictionary(grouping: ports, by: { $0 }).mapValues(\.count)
        #expect(perPort.count >= 200 / limit)
        #expect(perPort.values.allSatisfy { $0 <= limit })
    }

    @Test("a channel is retired after its lifetime, and an idle one is closed")
    func retiredAfterLifetimeAndIdle() async throws {
        let server = try await RecordingDNSServer.start { _, name in (.zero, RecordingDNSServer.address(for: name)) }
        defer { server.close() }
        let resolver = server.resolver(
            timeout: .seconds(5),
            limits: .init(channelsPerServer: 1, queriesPerChannel: 1000, channelLifetime: .seconds(1), idleTimeout: .seconds(5)))
        _ = try await resolver.query("first.pool.test", type: .a)
        try await Task.sleep(for: .milliseconds(1200))
        _ = try await resolver.query("second.pool.test", type: .a)
        let ports = server.ports
        #expect(ports.count == 2)
        #expect(ports.first != ports.last)

        let idle = server.resolver(
            timeout: .seconds(5), limits: .init(channelsPerServer: 2, idleTimeout: .seconds(1)))
        _ = try await idle.query("idle.pool.test", type: .a)
        #expect(!idle.udpPool.openConnections().isEmpty)
        try await Task.sleep(for: .seconds(3))
        #expect(idle.udpPool.openConnections().isEmpty)
    }

    @Test("a cancelled query leaves no entry behind, and ends at once")
    func cancelled() async throws {
        let server = try await RecordingDNSServer.start { _, _ in nil }  // never answers
        defer { server.close() }
        let resolver = server.resolver(timeout: .seconds(10), limits: .init(channelsPerServer: 1))
        let task = Task { try await resolver.query("cancel.pool.test", type: .a) }
        while server.ports.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await pending(in: resolver) == 1)
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let result = await task.result
        #expect(clock.now - start < .seconds(2))
        if case .failure(let error as DNSResolveError) = result {
            #expect(error.code == .cancelled)
        } else {
            Issue.record("a cancelled query gave \(result)")
        }
        #expect(try await pending(in: resolver) == 0)
    }

    @Test("a late answer to a query that timed out is dropped, and the next query on the channel gets its own")
    func lateAnswerDropped() async throws {
        let firstSent = Mutex<ContinuousClock.Instant?>(nil)
        let clock = ContinuousClock()
        // The first query is answered (10.0.0.1) after 1.4 s, past its 1 s timeout; the second
        // (10.0.0.2) 50 ms after that late answer, so the late answer arrives while it waits.
        let server = try await RecordingDNSServer.start { index, _ in
            if index == 0 {
                firstSent.withLock { $0 = clock.now + .milliseconds(1400) }
                return (.milliseconds(1400), DNSIPv4Address(bytes: [10, 0, 0, 1])!)
            }
            let late = firstSent.withLock { $0 } ?? clock.now
            let wait = max(late + .milliseconds(50) - clock.now, .zero)
            return (TimeAmount(wait), DNSIPv4Address(bytes: [10, 0, 0, 2])!)
        }
        defer { server.close() }
        let resolver = server.resolver(
            timeout: .seconds(1), attempts: 1,
            limits: .init(
                channelsPerServer: 1, queriesPerChannel: 1000, channelLifetime: .seconds(60), idleTimeout: .seconds(60)))

        await #expect {
            try await resolver.query("late.pool.test", type: .a)
        } throws: { error in
            (error as? DNSResolveError)?.code == .timedOut
        }
        let answer = try await resolver.query("late.pool.test", type: .a)
        #expect(answer.records.map(\.data) == [.a(DNSIPv4Address(bytes: [10, 0, 0, 2])!)])
        let ports = server.ports
        #expect(ports.count == 2)
        #expect(Set(ports).count == 1)  // both on one channel: the late answer reached it, and was dropped
        #expect(try await pending(in: resolver) == 0)
    }

    /// The queries in flight over all the resolver's open channels.
    private func pending(in resolver: NIODNSResolver) async throws -> Int {
        var total = 0
        for connection in resolver.udpPool.openConnections() { total += try await connection.pendingCount().get() }
        return total
    }
}

/// A DNS server on 127.0.0.1 for the pool's tests: records each query's source port, and answers
/// each with one A record after a delay, as `respond` says (nil: no answer).
private final class RecordingDNSServer: Sendable {
    typealias Respond = @Sendable (_ index: Int, _ name: String) -> (delay: TimeAmount, address: DNSIPv4Address)?

    let channel: any Channel
    let address: DNSServer
    private let recorded: Recorded

    final class Recorded: Sendable {
        let ports = Mutex<[Int]>([])
    }

    /// The source ports of the queries, in the order they came.
    var ports: [Int] { recorded.ports.withLock { $0 } }

    private init(channel: any Channel, address: DNSServer, recorded: Recorded) {
        self.channel = channel
        self.address = address
        self.recorded = recorded
    }

    static func start(respond: @escaping Respond) async throws -> RecordingDNSServer {
        let recorded = Recorded()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(recorded: recorded, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let address = try DNSServer(address: "127.0.0.1", port: try #require(channel.localAddress?.port))
        return RecordingDNSServer(channel: channel, address: address, recorded: recorded)
    }

    func resolver(timeout: Duration, attempts: Int = 1, limits: DNSUDPChannelPool.Limits) -> NIODNSResolver {
        NIODNSResolver(
            configuration: DNSConfiguration(servers: [address], timeout: timeout, attempts: attempts),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, udpLimits: limits)
    }

    func close() { channel.close(promise: nil) }

    /// 10.x.y.z from the name, so every name has its own address.
    static func address(for name: String) -> DNSIPv4Address {
        let hash = name.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        let octets = [16, 8, 0].map { UInt8(truncatingIfNeeded: hash >> $0) }
        return DNSIPv4Address(bytes: [10] + octets)!
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>

        let recorded: Recorded
        let respond: Respond

        init(recorded: Recorded, respond: @escaping Respond) {
            self.recorded = recorded
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let question = RawDNSQuestion(Array(envelope.data.readableBytesView)) else { return }
            let index = recorded.ports.withLock { ports in
                ports.append(envelope.remoteAddress.port ?? 0)
                return ports.count - 1
            }
            guard let (delay, address) = respond(index, question.name) else { return }
            var bytes: [UInt8] = [UInt8(question.id >> 8), UInt8(question.id & 0xFF), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
            bytes += question.bytes
            bytes += [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4] + address.bytes
            let reply = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: bytes))
            let channel = context.channel
            if delay <= .zero {
                context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
            } else {
                context.eventLoop.scheduleTask(in: delay) { channel.writeAndFlush(reply, promise: nil) }
            }
        }
    }
}
