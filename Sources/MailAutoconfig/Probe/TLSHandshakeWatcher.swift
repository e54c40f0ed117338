import NIOCore
import NIOSSL
import NIOTLS

/// Sits behind a TLS handler and completes a promise when the handshake is over: with success,
/// or with the error that ended it (or the connection closing first).
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            promise.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Read the certificate now, while the TLS handler still holds it: once the channel has
        // closed, asking for it is a race.
        let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
        promise.fail(Failure(underlying: error, certificateNames: certificate.map(TLSSupport.dnsNames(of:))))
        context.fireErrorCaught(error)
    }

    /// A handshake error, with the DNS names of the certificate the server showed, when it showed one.
    struct Failure: Error {
        var underlying: any Error
        var certificateNames: [String]?
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
