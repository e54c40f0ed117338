// Whether probes run side by side (issue 6, "Benchmark"): 12 probes against loopback servers
// should finish within 1.5× the slowest single probe. Twelve POP3-like servers greet after 20, 40,
// …, 240 ms; the slowest is probed alone (the baseline), then all twelve at once.
//
//   swift package --package-path Benchmarks benchmark --target ProbeBenchmarks
//
// The servers are real sockets (SwiftNIO, plain text) in this process, started once before the
// clock runs; the host is the address 127.0.0.1, so DNS is never asked. Every probe must succeed
// (a probe that breaks early would look fast). Quote the p50 (median) of each and their ratio;
// timings are never asserted in tests.

import Benchmark
import MailAutoconfig
import MailSettings
import NIOCore
import NIOPosix

/// A plain-text POP3 server on 127.0.0.1 that greets after `greetingDelay`, answers CAPA with a
/// short list and QUIT with `+OK`, then closes.
private final class POP3Server: Sendable {
    let port: Int
    private let channel: any Channel

    init(greetingDelay: TimeAmount) throws {
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(POP3Answer(greetingDelay: greetingDelay))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    func close() {
        try? channel.close().wait()
    }
}

private final class POP3Answer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let greetingDelay: TimeAmount
    private var pending: [UInt8] = []

    init(greetingDelay: TimeAmount) {
        self.greetingDelay = greetingDelay
    }

    func channelActive(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: greetingDelay) {
            let context = bound.value
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "+OK POP3 bench server ready\r\n")), promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += Self.unwrapInboundIn(data).readableBytesView
        while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[..<end], as: UTF8.self)
                .trimmingSuffix(while: { $0 == "\r" }).uppercased()
            pending.removeSubrange(...end)
            switch line {
            case "CAPA":
                context.writeAndFlush(
                    Self.wrapOutboundOut(ByteBuffer(string: "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\n.\r\n")),
                    promise: nil)
            case "QUIT":
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "+OK bye\r\n"))).whenComplete { _ in
                    bound.value.close(promise: nil)
                }
                return
            default:
                context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: "-ERR unknown command\r\n")), promise: nil)
            }
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}

/// The hosts are IP addresses: a DNS question would be a bug in the prober.
private struct NeverAsked: DNSResolving {
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer {
        preconditionFailure("DNS asked about \(name) \(type): the probed host is an address")
    }
}

/// Greetings after 20, 40, …, 240 ms.
private let greetingDelays = (1...12).map { TimeAmount.milliseconds(Int64($0) * 20) }

// Started by the setup hooks (global lets are initialised once, on first use), never timed.
private let servers = greetingDelays.map { try! POP3Server(greetingDelay: $0) }
private let prober = try! NIOServerProber(dns: NeverAsked())

private func target(_ server: POP3Server) -> ProbeTarget {
    ProbeTarget(
        server: ServerSettings(protocol: .pop3, hostname: "127.0.0.1", port: server.port, security: .plain, username: ""),
        timeout: .seconds(5))
}

/// Stops the run on a probe that did not get through greeting, CAPA and QUIT: a broken probe never
/// counts as fast. (`fatalError`, unlike `precondition`, prints its message in release builds.)
private func checked(_ observation: ProbeObservation) -> ProbeObservation {
    guard observation.problem == nil, observation.session?.greetingAccepted == true,
          observation.session?.capabilities.isEmpty == false
    else {
        let steps = observation.steps.map { "\($0.kind.rawValue)=\($0.passed) \($0.ms) ms \($0.detail)" }
        fatalError("""
            probe of \(observation.server.hostname):\(observation.server.port) failed: \
            \(String(describing: observation.problem)); \(steps.joined(separator: "; "))
            """)
    }
    return observation
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        timeUnits: .microseconds,  // whole milliseconds would hide the overheads
        warmupIterations: 2,
        maxDuration: .seconds(10),
        maxIterations: 40
    )

    // The baseline: the slowest server (greeting after 240 ms), probed alone.
    Benchmark(
        "Probe A: slowest server alone (greeting 240 ms)",
        closure: { benchmark in
            let slowest = target(servers.last!)
            for _ in benchmark.scaledIterations {
                blackHole(checked(await prober.probe(slowest)))
            }
        },
        setup: { _ = servers; _ = prober }
    )

    // All twelve at once, each in its own child task (no bound).
    Benchmark(
        "Probe B: 12 servers at once (greetings 20…240 ms)",
        closure: { benchmark in
            let targets = servers.map(target)
            for _ in benchmark.scaledIterations {
                let count = await withTaskGroup(of: ProbeObservation.self) { group in
                    for target in targets {
                        group.addTask { await prober.probe(target) }
                    }
                    var count = 0
                    for await observation in group {
                        blackHole(checked(observation))
                        count += 1
                    }
                    return count
                }
                guard count == targets.count else { fatalError("\(count) observations for \(targets.count) probes") }
            }
        },
        setup: { _ = servers; _ = prober },
        teardown: { servers.forEach { $0.close() } }
    )
}
