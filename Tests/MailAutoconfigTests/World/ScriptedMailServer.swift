import Foundation
import NIOCore
import NIOPosix

/// A tiny plain-text mail server on loopback that answers from a script, for what a real server
/// cannot be made to say: Gmail's "not enabled for POP access", "application-specific password
/// required", or nothing at all after the connection (a stalled server).
///
/// ```swift
/// let server = try ScriptedMailServer(greeting: "+OK ready", replies: [("USER", "+OK"), ("PASS", "-ERR [SYS/PERM] …")])
/// defer { server.stop() }
/// ```
final class ScriptedMailServer: Sendable {
    /// Where it listens.
    let address: String
    /// The port it listens on.
    let port: Int
    private let channel: any Channel

    /// Starts listening.
    ///
    /// - Parameters:
    ///   - greeting: the lines sent on connection; nil: say nothing, ever.
    ///   - replies: for a command starting with a prefix (case-insensitive, first match), the
    ///     lines to answer; a command without a match gets `fallback`.
    init(
        address: String = "127.0.0.1", greeting: [String]?, replies: [(prefix: String, lines: [String])],
        fallback: [String] = ["-ERR unknown command"]
    ) throws {
        let script = Script(greeting: greeting, replies: replies, fallback: fallback)
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedConversation(script: script))
                }
            }
            .bind(host: address, port: 0).wait()
        self.address = address
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening.
    func stop() {
        try? channel.close().wait()
    }

    fileprivate struct Script: Sendable {
        var greeting: [String]?
        var replies: [(prefix: String, lines: [String])]
        var fallback: [String]
    }

    private final class ScriptedConversation: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let script: Script
        var received: [UInt8] = []

        init(script: Script) {
            self.script = script
        }

        func channelActive(context: ChannelHandlerContext) {
            if let greeting = script.greeting { send(greeting, context: context) }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received += buffer.readableBytesView
            // Bytes, not Characters: "\r\n" is one Character in Swift.
            while let end = received.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: received[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                received.removeSubrange(...end)
                let lines = script.replies.first { line.uppercased().hasPrefix($0.prefix.uppercased()) }?.lines ?? script.fallback
                send(lines, context: context)
                if line.uppercased().hasPrefix("QUIT") || line.uppercased().hasSuffix("LOGOUT") {
                    context.close(promise: nil)
                }
            }
        }

        private func send(_ lines: [String], context: ChannelHandlerContext) {
            var buffer = context.channel.allocator.buffer(capacity: 256)
            for line in lines { buffer.writeString(line + "\r\n") }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }
}
