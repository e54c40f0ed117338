import MailSettings
import NIOCore
import NIOPosix
import Synchronization

/// Gives SwiftNIO's connection attempts the addresses of a host from a ``DNSResolving``, so that
/// the names the library connects to are resolved by the same servers as its SRV and MX
/// questions (`--dns-server`), not by the system's resolver.
///
/// `ClientBootstrap.connect(host:port:)` asks for the AAAA and A records at once and connects the
/// Happy Eyeballs way (RFC 8305): IPv6 first, IPv4 after a short resolution delay when AAAA is
/// late, a new attempt every 250 ms while earlier ones are pending, alternating families, and the
/// first connection to succeed wins. One resolver serves one connection attempt.
final class DNSConnectionResolver: Resolver, Sendable {
    private let dns: any DNSResolving
    private let eventLoop: any EventLoop
    private let queries = Mutex<[Task<Void, Never>]>([])

    /// A resolver for one connection attempt on `eventLoop`.
    init(dns: any DNSResolving, eventLoop: any EventLoop) {
        self.dns = dns
        self.eventLoop = eventLoop
    }

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        query(host: host, port: port, family: .a)
    }

    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        query(host: host, port: port, family: .aaaa)
    }

    /// Cancels the queries still running (NIO calls this once it has a connection, or gave up).
    func cancelQueries() {
        queries.withLock { tasks in
            for task in tasks { task.cancel() }
        }
    }

    private func query(host: String, port: Int, family: DNSRecordType) -> EventLoopFuture<[SocketAddress]> {
        let promise = eventLoop.makePromise(of: [SocketAddress].self)
        let dns = self.dns
        let task = Task {
            do {
                let packed = try await dns.packedAddresses(of: host, family: family)
                promise.succeed(packed.compactMap { bytes in
                    var buffer = ByteBuffer()
                    buffer.writeBytes(bytes)
                    return try? SocketAddress(packedIPAddress: buffer, port: port)
                })
            } catch {
                promise.fail(error)
            }
        }
        queries.withLock { $0.append(task) }
        return promise.futureResult
    }
}
