import NIOCore
import NIOPosix

/// Hands SwiftNIO's Happy Eyeballs connector addresses that were already resolved, so that a
/// probe can time and report its DNS step on its own and still connect the RFC 8305 way.
final class FixedAddressResolver: Resolver, Sendable {
    private let ipv4: [SocketAddress]
    private let ipv6: [SocketAddress]
    private let eventLoop: any EventLoop

    init(addresses: [SocketAddress], eventLoop: any EventLoop) {
        ipv4 = addresses.filter { $0.protocol == .inet }
        ipv6 = addresses.filter { $0.protocol == .inet6 }
        self.eventLoop = eventLoop
    }

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        eventLoop.makeSucceededFuture(ipv4)
    }

    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        eventLoop.makeSucceededFuture(ipv6)
    }

    func cancelQueries() {}
}
