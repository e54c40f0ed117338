import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sends one request when the connection becomes active and reads one answer, completing
/// `promise` with it or with the reason it failed.
///
/// The body is only read when the client will use it (a 2xx answer of an accepted type);
/// otherwise the answer completes at its head. Reading stops as soon as the body passes the
/// cap, so memory stays bounded whatever the server sends. Closing the connection is left to
/// whoever observes the promise.
final class HTTPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case waitingForHead
        case readingBody
        case finished
    }

    private let url: HTTPURL
    private let target: String
    private let head: HTTPRequestHead
    private let body: [UInt8]
    private let maximumBodyBytes: Int
    private let readsBody: @Sendable (Int, String?) -> Bool
    private let promise: EventLoopPromise<RawHTTPAnswer>

    private var state = State.waitingForHead
    private var answer = RawHTTPAnswer(status: 0, reasonPhrase: "", headers: [], body: [])

    init(
        url: HTTPURL,
        target: String,
        head: HTTPRequestHead,
        body: [UInt8],
        maximumBodyBytes: Int,
        readsBody: @escaping @Sendable (Int, String?) -> Bool,
        promise: EventLoopPromise<RawHTTPAnswer>
    ) {
        self.url = url
        self.target = target
        self.head = head
        self.body = body
        self.maximumBodyBytes = maximumBodyBytes
        self.readsBody = readsBody
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            guard case .waitingForHead = state else { return }
            let status = Int(responseHead.status.code)
            // Informational answers (100 Continue…) precede the real one.
            if (100..<200).contains(status) { return }
            answer.status = status
            answer.reasonPhrase = responseHead.status.reasonPhrase
            answer.headers = responseHead.headers.map { HTTPHeader($0.name, $0.value) }
            guard readsBody(status, responseHead.headers.first(name: "content-type")) else {
                finish(.success(answer))
                return
            }
            if let length = responseHead.headers.first(name: "content-length").flatMap({ Int($0) }) {
                guard length <= maximumBodyBytes else {
                    finish(.failure(HTTPFetchError.bodyTooLarge(url, limit: maximumBodyBytes)))
                    return
                }
                answer.body.reserveCapacity(length)
            }
            state = .readingBody

        case .body(let buffer):
            guard case .readingBody = state else { return }
            guard answer.body.count + buffer.readableBytes <= maximumBodyBytes else {
                answer.body = []
                finish(.failure(HTTPFetchError.bodyTooLarge(url, limit: maximumBodyBytes)))
                return
            }
            answer.body.append(contentsOf: buffer.readableBytesView)

        case .end:
            guard case .readingBody = state else { return }
            finish(.success(answer))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .finished = state { return }
        finish(.failure(classify(error, context: context)))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .finished = state {
        } else {
            finish(.failure(HTTPFetchError.malformedResponse(url, detail: closedEarlyDetail)))
        }
        context.fireChannelInactive()
    }

    /// What to say when the connection ends before the answer does.
    private var closedEarlyDetail: String {
        if case .waitingForHead = state {
            return "the server closed the connection without a complete answer"
        }
        return "the server closed the connection before the body was complete"
    }

    private func finish(_ result: Result<RawHTTPAnswer, any Error>) {
        state = .finished
        promise.completeWith(result)
    }

    /// Maps an error from the TLS or HTTP layer.
    private func classify(_ error: any Error, context: ChannelHandlerContext) -> HTTPFetchError {
        switch error {
        case let error as HTTPFetchError:
            return error
        case let error as NIOSSLError where error == .uncleanShutdown:
            return .malformedResponse(url, detail: closedEarlyDetail)
        case is NIOSSLError, is NIOSSLExtraError:
            let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
            switch TLSSupport.classify(error, peerCertificate: certificate) {
            case .hostnameMismatch(let names)?: return .hostnameMismatch(url, certificateNames: names)
            case .untrusted?: return .certificateUntrusted(url)
            case .notTLS?: return .tlsHandshakeFailed(url, detail: "WRONG_VERSION_NUMBER: the server does not speak TLS on this port")
            case .handshake(let reason)?: return .tlsHandshakeFailed(url, detail: reason)
            case nil: return .tlsHandshakeFailed(url, detail: "\(error)")
            }
        case let error as HTTPParserError where error == .invalidEOFState:
            return .malformedResponse(url, detail: closedEarlyDetail)
        case let error as HTTPParserError:
            return .malformedResponse(url, detail: "not valid HTTP/1.1 (\(error))")
        case let error as IOError where error.errnoCode == ECONNRESET:
            return .malformedResponse(url, detail: "the server reset the connection")
        default:
            return .malformedResponse(url, detail: "\(error)")
        }
    }
}
