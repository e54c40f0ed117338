import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The default ``HTTPFetching`` transport: HTTP/1.1 over SwiftNIO, with TLS from swift-nio-ssl.
///
/// One connection per request (`Connection: close`), which is all autoconfig lookups need.
/// Host names are resolved by the system (`getaddrinfo`, which also reads `/etc/hosts`), or,
/// when a ``DNSResolving`` is given, by it: then every name goes to the same DNS servers as the
/// SRV and MX questions. Either way the AAAA and A addresses are tried the Happy Eyeballs way
/// (RFC 8305), by SwiftNIO's connector.
/// For `https` URLs the certificate must chain to the system's trust roots or to one of the
/// extra roots given at creation (curl's `--cacert`), and must name the URL's host, which is
/// also sent as SNI, even when an ``AddressMapping`` sends the connection elsewhere.
///
/// Redirects (301, 302, 303, 307, 308) are followed up to ``HTTPRequest/maximumRedirects``,
/// each hop checked again (TLS, host name, limits); a 303 turns the request into a GET; a
/// redirect from `https` to `http` is refused; `Authorization` and `Cookie` headers are not
/// sent on to another origin. ``HTTPRequest/timeout`` is one deadline for the
/// whole fetch, and cancelling the calling task closes the connection at once.
///
/// ```swift
/// let client = try NIOHTTPClient(additionalTrustRootsPEM: [testCAPEM])
/// let response = try await client.fetch(HTTPRequest(url: "https://autoconfig.example.test/mail/config-v1.1.xml"))
/// ```
public struct NIOHTTPClient: HTTPFetching {
    /// The `User-Agent` sent unless a request sets its own.
    public static let userAgent = "swift-mail-autoconfig/0.1"

    /// Where connections go instead of where DNS says (curl's `--resolve` and `--connect-to`).
    public var addressMapping: AddressMapping
    /// Where the client logs each connection and redirect (at debug level).
    public var logger: Logger
    /// Who resolves the host names of URLs: `nil` for the system's resolver.
    public var dns: (any DNSResolving)?

    private let eventLoopGroup: any EventLoopGroup
    private let sslContext: NIOSSLContext

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - additionalTrustRootsPEM: PEM text of certificates trusted in addition to the
    ///     system's roots, one or more certificates per string. To honour a `--cacert FILE`
    ///     option, read the file and pass its contents.
    ///   - addressMapping: Connection overrides; none by default.
    ///   - dns: The resolver for host names (A and AAAA); the system's (`getaddrinfo`) by default.
    ///   - eventLoopGroup: The event loops to run on; `MultiThreadedEventLoopGroup.singleton` by default.
    ///   - logger: Where to log; nothing is logged by default.
    /// - Throws: ``HTTPFetchError`` with code ``HTTPFetchError/Code/invalidTrustRoots`` when a
    ///   string holds no PEM certificate or a malformed one.
    public init(
        additionalTrustRootsPEM: [String] = [],
        addressMapping: AddressMapping = AddressMapping(),
        dns: (any DNSResolving)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "mail-autoconfig.http", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(HTTPFetchError) {
        self.sslContext = try TLSSupport.clientContext(additionalTrustRootsPEM: additionalTrustRootsPEM, logger: logger)
        self.addressMapping = addressMapping
        self.dns = dns
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Fetches `request`, following redirects, and returns the final 2xx answer.
    ///
    /// - Throws: ``HTTPFetchError``; see its codes.
    public func fetch(_ request: HTTPRequest) async throws(HTTPFetchError) -> HTTPResponse {
        // At most a day, so that the deadline arithmetic cannot overflow.
        let budget = TimeAmount.nanoseconds(max(0, min(TimeAmount(request.timeout).nanoseconds, 86_400_000_000_000)))
        let deadline = NIODeadline.now() + budget
        var url = request.url
        var method = request.method
        var headers = request.headers
        var body = request.body
        var chain: [String] = []

        while true {
            if Task.isCancelled { throw .cancelled(url) }
            let answer = try await exchange(
                url: url, method: method, headers: headers, body: body, request: request, deadline: deadline)

            if Self.redirectStatuses.contains(answer.status), let location = answer.value(forHeader: "location") {
                guard chain.count < request.maximumRedirects else {
                    throw .tooManyRedirects(url, limit: request.maximumRedirects)
                }
                let next: HTTPURL
                do {
                    next = try url.resolving(location)
                } catch {
                    throw .malformedResponse(url, detail: "redirect to \"\(location)\", which is not an http or https URL")
                }
                if url.isHTTPS, !next.isHTTPS {
                    throw .redirectToHTTP(url, location: next.description)
                }
                logger.debug("redirect", metadata: ["from": "\(url)", "to": "\(next)", "status": "\(answer.status)"])
                chain.append(url.description)
                if (next.scheme, next.host, next.port) != (url.scheme, url.host, url.port) {
                    // Credentials are for the origin they were given to, never for the next one (as curl does).
                    let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]
                    headers.removeAll { credentialHeaders.contains($0.name.lowercased()) }
                }
                if answer.status == 303, method != .get {
                    method = .get
                    body = []
                    headers.removeAll { $0.name.lowercased() == "content-type" }
                }
                url = next
                continue
            }

            guard (200..<300).contains(answer.status) else {
                throw .unexpectedStatus(url, status: answer.status, reasonPhrase: answer.reasonPhrase)
            }
            let contentType = answer.value(forHeader: "content-type")
            guard request.accepts(contentType: contentType) else {
                throw .wrongContentType(url, found: contentType ?? "", accepted: request.acceptedContentTypes ?? [])
            }
            return HTTPResponse(
                status: answer.status,
                headers: answer.headers,
                body: answer.body,
                finalURL: url.description,
                redirectChain: chain)
        }
    }

    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// One request on one connection.
    private func exchange(
        url: HTTPURL,
        method: HTTPMethod,
        headers: [HTTPHeader],
        body: [UInt8],
        request: HTTPRequest,
        deadline: NIODeadline
    ) async throws(HTTPFetchError) -> RawHTTPAnswer {
        let remaining = deadline - .now()
        guard remaining > .zero else { throw .timedOut(url, after: request.timeout) }

        let target = addressMapping.target(host: url.host, port: url.port)
        let targetText = "\(AddressMapping.bracketed(target.host)):\(target.port)"
        logger.debug("connecting", metadata: ["url": "\(url)", "target": "\(targetText)"])

        let eventLoop = eventLoopGroup.next()
        let promise = eventLoop.makePromise(of: RawHTTPAnswer.self)
        let timeout = request.timeout
        let deadlineTask = eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(HTTPFetchError.timedOut(url, after: timeout))
        }
        promise.futureResult.whenComplete { _ in deadlineTask.cancel() }

        let requestHead = Self.requestHead(url: url, method: method, headers: headers, body: body)
        let sslContext = url.isHTTPS ? self.sslContext : nil
        let serverName = AddressMapping.isIPAddress(url.host) ? nil : url.host
        let readsBody: @Sendable (Int, String?) -> Bool = { status, contentType in
            (200..<300).contains(status) && request.accepts(contentType: contentType)
        }
        let maximumBodyBytes = request.maximumBodyBytes

        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(remaining)
            .channelInitializer { channel in
                // Whoever completes the exchange first (answer, error, deadline, cancellation)
                // ends the connection.
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(
                        HTTPExchangeHandler(
                            url: url, target: targetText, head: requestHead, body: body,
                            maximumBodyBytes: maximumBodyBytes, readsBody: readsBody, promise: promise))
                }
            }

        let connected: EventLoopFuture<any Channel>
        let address = try? SocketAddress(ipAddress: target.host, port: target.port)
        let resolver = address == nil ? dns.map { DNSConnectionResolver(dns: $0, eventLoop: eventLoop) } : nil
        if let address {
            connected = bootstrap.connect(to: address)
        } else if let resolver {
            promise.futureResult.whenComplete { _ in resolver.cancelQueries() }
            connected = bootstrap.resolver(resolver).connect(host: target.host, port: target.port)
        } else {
            connected = bootstrap.connect(host: target.host, port: target.port)
        }
        connected.whenFailure { error in
            promise.fail(Self.classify(connectError: error, url: url, target: targetText, timeout: timeout))
        }

        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                promise.fail(HTTPFetchError.cancelled(url))
                resolver?.cancelQueries()
            }
        } catch let error as HTTPFetchError {
            logger.debug("failed", metadata: ["url": "\(url)", "error": "\(error)"])
            throw error
        } catch {
            throw .malformedResponse(url, detail: "\(error)")
        }
    }

    private static func requestHead(url: HTTPURL, method: HTTPMethod, headers: [HTTPHeader], body: [UInt8]) -> HTTPRequestHead {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: url.hostHeader)
        if !headers.contains(where: { $0.name.lowercased() == "user-agent" }) {
            fields.add(name: "User-Agent", value: userAgent)
        }
        let reserved: Set<String> = ["host", "connection", "content-length", "transfer-encoding"]
        for header in headers where !reserved.contains(header.name.lowercased()) {
            fields.add(name: header.name, value: header.value)
        }
        if method == .post || !body.isEmpty {
            fields.add(name: "Content-Length", value: String(body.count))
        }
        fields.add(name: "Connection", value: "close")
        return HTTPRequestHead(
            version: .http1_1, method: method == .post ? .POST : .GET, uri: url.pathAndQuery, headers: fields)
    }

    /// Maps an error from connecting to an ``HTTPFetchError``.
    static func classify(connectError error: any Error, url: HTTPURL, target: String, timeout: Duration) -> HTTPFetchError {
        switch error {
        case let error as HTTPFetchError:
            return error
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                // Our own resolver says why (NXDOMAIN, SERVFAIL, no answer); getaddrinfo's errors say little.
                let reasons = [error.dnsAAAAError, error.dnsAError].compactMap { $0 as? DNSResolveError }
                return .dnsFailure(url, host: error.host, detail: Self.dnsDetail(reasons))
            }
            let errors = error.connectionErrors.map(\.error)
            // The addresses tried, as people write them: "host:443 (at [::1]:443, 127.0.0.7:443)".
            let tried = error.connectionErrors.compactMap { failure in
                failure.target.ipAddress.map { "\(AddressMapping.bracketed($0)):\(failure.target.port ?? 0)" }
            }
            let target = tried.isEmpty || tried == [target] ? target : "\(target) (at \(tried.joined(separator: ", ")))"
            if errors.contains(where: { Self.errno(of: $0) == ECONNREFUSED }) {
                return .connectionRefused(url, target: target)
            }
            if errors.contains(where: Self.isConnectTimeout) {
                return .timedOut(url, after: timeout)
            }
            if errors.isEmpty {
                return .dnsFailure(url, host: error.host)
            }
            return .connectionFailed(url, target: target, detail: errors.map { "\($0)" }.joined(separator: "; "))
        case let error as ChannelError:
            if case .connectTimeout = error { return .timedOut(url, after: timeout) }
            return .connectionFailed(url, target: target, detail: "\(error)")
        default:
            if Self.errno(of: error) == ECONNREFUSED {
                return .connectionRefused(url, target: target)
            }
            return .connectionFailed(url, target: target, detail: "\(error)")
        }
    }

    /// One reason for both families when they agree ("no such name … (NXDOMAIN from …)"), else both.
    static func dnsDetail(_ errors: [DNSResolveError]) -> String? {
        guard let first = errors.first else { return nil }
        if errors.allSatisfy({ $0.reason == first.reason }) { return first.reason }
        return errors.map(\.description).joined(separator: "; ")
    }

    static func isConnectTimeout(_ error: any Error) -> Bool {
        if case .connectTimeout? = error as? ChannelError { return true }
        return false
    }

    static func errno(of error: any Error) -> CInt? {
        (error as? IOError)?.errnoCode
    }
}

/// A response as read from the wire, before the client decides what it means.
struct RawHTTPAnswer: Sendable {
    var status: Int
    var reasonPhrase: String
    var headers: [HTTPHeader]
    var body: [UInt8]

    func value(forHeader name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }
}
