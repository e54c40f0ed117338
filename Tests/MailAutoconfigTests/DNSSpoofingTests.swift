import MailAutoconfig
import MailSettings
import NIOCore
import NIOPosix
import Testing

/// The DNS client against a tiny UDP server on loopback that sends decoys before the real
/// answer: each decoy must be dropped, and the real answer taken.
@Suite("DNS client drops answers that do not match")
struct DNSSpoofingTests {
    @Test("wrong ID, wrong source port, wrong question and garbage are ignored; the right answer is taken")
    func decoysThenAnswer() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        // The decoy that comes from another port.
        let other = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        defer { other.close(promise: nil) }
        let server = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DecoyServer(other: other))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }

        let address = try DNSServer(address: "127.0.0.1", port: try #require(server.localAddress?.port))
        let resolver = NIODNSResolver(servers: [address], timeout: .seconds(2), attempts: 1)
        let answer = try await resolver.query("spoof.example.test", type: .a)
        #expect(answer.records.map(\.data) == [.a(DNSIPv4Address(bytes: [127, 0, 0, 9])!)])
        #expect(answer.server == address)
    }

    @Test("only decoys: the try times out rather than take one")
    func onlyDecoys() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let other = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        defer { other.close(promise: nil) }
        let server = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DecoyServer(other: other, answers: false))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }

        let address = try DNSServer(address: "127.0.0.1", port: try #require(server.localAddress?.port))
        let resolver = NIODNSResolver(servers: [address], timeout: .milliseconds(400), attempts: 1)
        await #expect {
            try await resolver.query("spoof.example.test", type: .a)
        } throws: { error in
            (error as? DNSResolveError)?.code == .timedOut
        }
    }
}

/// Answers every query with decoys at once — a wrong ID (127.0.0.66), the right ID from
/// another port (127.0.0.67), another question (127.0.0.68), bytes that are no DNS message —
/// and, 100 ms later, the real answer (127.0.0.9).
private final class DecoyServer: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let other: any Channel
    let answers: Bool

    init(other: any Channel, answers: Bool = true) {
        self.other = other
        self.answers = answers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let raw = RawDNSQuestion(Array(envelope.data.readableBytesView)) else { return }
        let (id, question) = (raw.id, raw.bytes)

        func reply(id: UInt16, question: [UInt8], last: UInt8) -> ByteBuffer {
            var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
            bytes += question
            bytes += [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, last]
            return ByteBuffer(bytes: bytes)
        }
        let remote = envelope.remoteAddress
        var otherQuestion = question
        otherQuestion[otherQuestion.count - 3] = 28  // AAAA instead of A

        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: reply(id: id ^ 0x5A5A, question: question, last: 66))), promise: nil)
        other.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: reply(id: id, question: question, last: 67)), promise: nil)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: reply(id: id, question: otherQuestion, last: 68))), promise: nil)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: [UInt8(id >> 8), UInt8(id & 0xFF), 0x81]))), promise: nil)
        context.flush()
        guard answers else { return }
        let answer = reply(id: id, question: question, last: 9)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .milliseconds(100)) {
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: answer), promise: nil)
        }
    }
}
