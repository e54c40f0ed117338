import Foundation
import MailAutoconfig
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Servers that misbehave on purpose, in process, on loopback (127.0.0.20 to 127.0.0.29, ports
/// chosen by the kernel), for the hostile-server suite: what no real server does willingly.
///
/// - ``HostileServer``: TCP, with or without TLS, speaking HTTP badly (one byte a second, a body
///   or a header section that never ends, redirects without end), never finishing the TLS
///   handshake, or greeting like a mail server with a line that never ends.
/// - ``FloodingDNSServer``: UDP DNS that answers every query with a flood of answers under wrong
///   IDs, then the real answer, or never.
///
/// Each keeps a ledger of what it saw and did (connections, bytes, requests), so that a test can
/// check that the client's limits held on the wire, not only in the error it reports.
///
/// Endless senders never outrun the client: at most a few chunks are in flight at once, and the
/// next is written only when an earlier one has reached the socket. What the server has written
/// is therefore what the client's side was offered, and the server itself stays small.
enum Hostile {
    /// The test CA's certificate (PEM) and a server context for every name of the hostile world
    /// (`D` and `*.D` for each domain in ``domains``), made once per test process by `openssl`.
    static func certificates() throws -> (caPEM: String, server: NIOSSLContext) {
        try certificateCache.withLock { cached in
            if let cached { return cached }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-hostile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let names = domains.flatMap { [$0, "*.\($0)"] }
            try TestCertificates.install(authority: "swift-mail-autoconfig Hostile CA", main: names, mismatched: ["nowhere.test"], in: folder)
            let caPEM = try String(contentsOf: folder.appendingPathComponent("ca.crt"), encoding: .utf8)
            let chain = try NIOSSLCertificate.fromPEMFile(folder.appendingPathComponent("main.crt").path)
            let key = try NIOSSLPrivateKey(file: folder.appendingPathComponent("main.key").path, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            let made = (caPEM, try NIOSSLContext(configuration: configuration))
            cached = made
            return made
        }
    }

    /// The domains the hostile certificate covers.
    static let domains = ["trickle.test", "chunked.test", "redirect.test", "flood.test", "tlsstall.test", "endless.test"]

    private static let certificateCache = Mutex<(String, NIOSSLContext)?>(nil)

    /// Whether `openssl` is there to make the certificates (or its absence must fail, in CI).
    static var canMakeCertificates: Bool { WorldPrograms.find("openssl") != nil || World.required }
}

// MARK: - The ledger

/// What a hostile server saw and did; shared by its connections.
final class HostileLedger: Sendable {
    /// One HTTP request as the server read it.
    struct Request: Sendable, Hashable {
        /// `GET` or `POST`.
        var method: String
        /// The `Host` header, without a port, lower-cased.
        var host: String
        /// The request target (path and query).
        var path: String
    }

    /// Counts and records.
    struct Snapshot: Sendable {
        /// TCP connections accepted.
        var accepted = 0
        /// TCP connections still open.
        var open = 0
        /// Bytes read from clients (after TLS, when there is TLS).
        var bytesRead = 0
        /// Bytes the server wrote that reached the socket (before TLS, when there is TLS).
        var bytesWritten = 0
        /// The first bytes read on the first connection (a TLS ClientHello starts with 0x16).
        var firstBytes: [UInt8] = []
        /// The HTTP requests, in order.
        var requests: [Request] = []
    }

    private let state = Mutex(Snapshot())

    /// A copy of the ledger now.
    var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }

    /// Waits until at least one connection came and every connection has closed, up to
    /// `patience`; returns whether that happened.
    func allConnectionsClosed(within patience: Duration = .seconds(2)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + patience
        while true {
            let (accepted, open) = state.withLock { ($0.accepted, $0.open) }
            if accepted > 0, open == 0 { return true }
            if clock.now >= end { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

// MARK: - TCP servers

/// What an HTTP request gets from a hostile server.
enum HostileReply: Sendable {
    /// A whole answer (status line, headers, body) at once, then the connection is closed.
    case complete(status: Int, headers: [(String, String)], body: String)
    /// These bytes, one a second, starting at once.
    case trickle([UInt8])
    /// A 200 `application/xml` answer with a chunked body that never ends.
    case endlessChunkedBody
    /// A 200 status line, then header fields without end.
    case endlessHeaders
    /// Nothing, ever.
    case stall

    /// A redirect to `location`.
    static func redirect(_ location: String, status: Int = 302) -> Self {
        .complete(status: status, headers: [("Location", location)], body: "")
    }

    /// A complete answer as bytes on the wire.
    static func wire(status: Int, headers: [(String, String)], body: String) -> [UInt8] {
        let reasons = [200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"]
        var text = "HTTP/1.1 \(status) \(reasons[status] ?? "Whatever")\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        return Array(text.utf8)
    }
}

/// A TCP server on loopback that misbehaves as told.
final class HostileServer: Sendable {
    /// How the server treats each connection.
    enum Behaviour: Sendable {
        /// Reads one HTTP request, then answers with what the router says (given the request
        /// and its number, from 1, among the requests this server has seen).
        case http(@Sendable (HostileLedger.Request, Int) -> HostileReply)
        /// Reads (a TLS ClientHello, say) and never answers; with `partialServerHello`, answers
        /// the first bytes with the start of a ServerHello record and then nothing more.
        case tlsStall(partialServerHello: Bool)
        /// Sends `prefix` and then bytes without a line end, forever, from the start of the
        /// connection (after the handshake, with TLS).
        case endlessLine(prefix: String)
    }

    /// Where it listens.
    let address: String
    /// The port the kernel chose.
    let port: Int
    /// What it saw and did.
    let ledger: HostileLedger
    private let channel: any Channel

    /// Starts listening on `address`, port chosen by the kernel; with `tls`, every connection
    /// starts with a TLS handshake (server side).
    init(_ behaviour: Behaviour, address: String, tls: NIOSSLContext? = nil) async throws {
        let ledger = HostileLedger()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ConnectionTap(ledger: ledger))
                    if let tls {
                        try pipeline.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    switch behaviour {
                    case .http(let router):
                        try pipeline.addHandler(HTTPRequestReader(ledger: ledger, router: router))
                    case .tlsStall(let partial):
                        try pipeline.addHandler(StallingReader(ledger: ledger, partialServerHello: partial))
                    case .endlessLine(let prefix):
                        try pipeline.addHandler(EndlessLineWriter(ledger: ledger, prefix: prefix))
                    }
                }
            }
            .bind(host: address, port: 0).get()
        self.address = address
        self.port = channel.localAddress?.port ?? 0
        self.ledger = ledger
    }

    /// Stops listening (connections still open are left to their clients).
    func stop() {
        channel.close(promise: nil)
    }
}

/// Counts connections as they open and close, at the socket, before TLS.
private final class ConnectionTap: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let ledger: HostileLedger

    init(ledger: HostileLedger) {
        self.ledger = ledger
    }

    func channelActive(context: ChannelHandlerContext) {
        ledger.update {
            $0.accepted += 1
            $0.open += 1
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ledger.update { $0.open -= 1 }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client that hangs up mid-handshake or mid-body is what these servers expect.
        context.close(promise: nil)
    }
}

/// Writes chunks without end, at most `inFlight` at a time: the next one goes out only when an
/// earlier one has reached the socket, so neither side piles bytes up in memory.
private final class EndlessWriter: Sendable {
    let channel: any Channel
    let ledger: HostileLedger
    let chunk: @Sendable (Int) -> ByteBuffer
    private let state = Mutex((inFlight: 0, sent: 0, stopped: false))
    private static let inFlight = 4

    init(channel: any Channel, ledger: HostileLedger, chunk: @escaping @Sendable (Int) -> ByteBuffer) {
        self.channel = channel
        self.ledger = ledger
        self.chunk = chunk
    }

    /// Writes until `inFlight` chunks are on their way; called again as each one lands.
    func pump() {
        while true {
            let number: Int? = state.withLock { state in
                guard !state.stopped, state.inFlight < Self.inFlight else { return nil }
                state.inFlight += 1
                state.sent += 1
                return state.sent
            }
            guard let number else { return }
            let buffer = chunk(number)
            let size = buffer.readableBytes
            channel.writeAndFlush(buffer).whenComplete { [self] result in
                switch result {
                case .success:
                    ledger.update { $0.bytesWritten += size }
                    state.withLock { $0.inFlight -= 1 }
                    // Not from inside the write's completion: that could recurse without end.
                    channel.eventLoop.execute { self.pump() }
                case .failure:
                    state.withLock { $0.stopped = true }
                }
            }
        }
    }
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body) and answers as the router says.
private final class HTTPRequestReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let ledger: HostileLedger
    let router: @Sendable (HostileLedger.Request, Int) -> HostileReply
    var received: [UInt8] = []
    var answered = false
    var trickle: RepeatedTask?

    init(ledger: HostileLedger, router: @escaping @Sendable (HostileLedger.Request, Int) -> HostileReply) {
        self.ledger = ledger
        self.router = router
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        ledger.update { $0.bytesRead += buffer.readableBytes }
        guard !answered else { return }
        // A request head is small; a client that sends more than this is not ours.
        guard received.count < 65_536 else { return }
        received += buffer.readableBytesView
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = received.firstRange(of: separator) else { return }
        let head = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var host = ""
        var length = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0].lowercased() {
            case "host": host = String(parts[1].lowercased().split(separator: ":").first ?? "")
            case "content-length": length = Int(parts[1]) ?? 0
            default: break
            }
        }
        guard received.count - headEnd.upperBound >= length else { return }
        answered = true
        let request = HostileLedger.Request(
            method: requestLine.first.map(String.init) ?? "", host: host,
            path: requestLine.count > 1 ? String(requestLine[1]) : "")
        let number = ledger.snapshot.requests.count + 1
        ledger.update { $0.requests.append(request) }
        respond(router(request, number), context: context)
    }

    private func respond(_ reply: HostileReply, context: ChannelHandlerContext) {
        let channel = context.channel
        let ledger = self.ledger
        switch reply {
        case .complete(let status, let headers, let body):
            let bytes = HostileReply.wire(status: status, headers: headers, body: body)
            channel.writeAndFlush(ByteBuffer(bytes: bytes)).whenComplete { result in
                if case .success = result { ledger.update { $0.bytesWritten += bytes.count } }
                channel.close(promise: nil)
            }
        case .trickle(let bytes):
            let next = Mutex(0)
            trickle = channel.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .seconds(1)) { task in
                let index = next.withLock { index in
                    defer { index += 1 }
                    return index
                }
                guard index < bytes.count, channel.isActive else {
                    task.cancel()
                    return
                }
                channel.writeAndFlush(ByteBuffer(bytes: [bytes[index]])).whenSuccess {
                    ledger.update { $0.bytesWritten += 1 }
                }
            }
        case .endlessChunkedBody:
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            // A well-formed chunk of 16 KiB of filler each time, and never the last chunk.
            let payload = String(repeating: "x", count: 16_384)
            let frame = String(payload.utf8.count, radix: 16) + "\r\n" + payload + "\r\n"
            EndlessWriter(channel: channel, ledger: ledger) { number in
                ByteBuffer(string: number == 1 ? head + frame : frame)
            }.pump()
        case .endlessHeaders:
            let line = "X-Filler: " + String(repeating: "y", count: 1000) + "\r\n"
            let block = String(repeating: line, count: 16)
            EndlessWriter(channel: channel, ledger: ledger) { number in
                ByteBuffer(string: number == 1 ? "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n" + block : block)
            }.pump()
        case .stall:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        trickle?.cancel()
        context.fireChannelInactive()
    }
}

/// Reads whatever comes and never answers it, except, when asked, with the first bytes of a
/// TLS ServerHello record that is never completed.
private final class StallingReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A handshake record header announcing 122 bytes, and the start of a ServerHello
    /// (type 2, length 118, version 3.3): 11 of the 127 bytes promised.
    static let partialServerHello: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x7A, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03]

    let ledger: HostileLedger
    let partialServerHello: Bool
    var answered = false

    init(ledger: HostileLedger, partialServerHello: Bool) {
        self.ledger = ledger
        self.partialServerHello = partialServerHello
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        ledger.update { ledger in
            ledger.bytesRead += buffer.readableBytes
            if ledger.firstBytes.isEmpty { ledger.firstBytes = Array(buffer.readableBytesView.prefix(16)) }
        }
        guard partialServerHello, !answered else { return }
        answered = true
        let bytes = Self.partialServerHello
        let ledger = self.ledger
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes))).whenSuccess {
            ledger.update { $0.bytesWritten += bytes.count }
        }
    }
}

/// Greets with `prefix` and then sends bytes without a line end, forever.
private final class EndlessLineWriter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let ledger: HostileLedger
    let prefix: String

    init(ledger: HostileLedger, prefix: String) {
        self.ledger = ledger
        self.prefix = prefix
    }

    func channelActive(context: ChannelHandlerContext) {
        let prefix = self.prefix
        let filler = String(repeating: "z", count: 16_384)
        // With TLS the first write waits inside the TLS handler until the handshake is over; the
        // writer keeps at most a few chunks waiting, so nothing piles up meanwhile.
        EndlessWriter(channel: context.channel, ledger: ledger) { number in
            ByteBuffer(string: number == 1 ? prefix + filler : filler)
        }.pump()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        ledger.update { $0.bytesRead += buffer.readableBytes }
    }
}

// MARK: - DNS

/// A DNS server on UDP that floods every query with answers under wrong IDs (same question,
/// same source address and port, forged records), then, when it knows the name, sends the real
/// answer, or sends nothing more.
final class FloodingDNSServer: Sendable {
    /// A record the server can give.
    enum Record: Sendable, Hashable {
        case a([UInt8])
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
    }

    /// What the server saw and sent.
    struct Counts: Sendable {
        var queries = 0
        var forged = 0
        var real = 0
        /// The questions asked, as "name TYPE-NUMBER".
        var questions: [String] = []
    }

    /// The address and port to give the resolver.
    let server: DNSServer
    private let channel: any Channel
    private let shared: Shared

    /// What the handler shares with the server object.
    fileprivate final class Shared: Sendable {
        let counts = Mutex(Counts())
        let forgedPerQuery: Int
        let records: [String: [Record]]?
        let realAnswerDelay: TimeAmount

        init(forgedPerQuery: Int, records: [String: [Record]]?, realAnswerDelay: TimeAmount) {
            self.forgedPerQuery = forgedPerQuery
            self.records = records
            self.realAnswerDelay = realAnswerDelay
        }
    }

    /// Starts the server.
    ///
    /// - Parameters:
    ///   - address: where to listen (UDP, port chosen by the kernel).
    ///   - forgedPerQuery: how many answers with wrong IDs each query gets, at once.
    ///   - records: the real records, by "name TYPE" (`"_pop3s._tcp.flood.test SRV"`, `"x.test A"`):
    ///     after the flood, a known name gets its records (NOERROR, possibly none) and any other
    ///     name NXDOMAIN; `nil`: the real answer never comes.
    ///   - realAnswerDelay: how long after the flood the real answer follows.
    init(
        address: String, forgedPerQuery: Int, records: [String: [Record]]?, realAnswerDelay: TimeAmount = .milliseconds(100)
    ) async throws {
        let shared = Shared(forgedPerQuery: forgedPerQuery, records: records, realAnswerDelay: realAnswerDelay)
        channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_sndbuf), value: 1 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FloodingHandler(shared: shared))
                }
            }
            .bind(host: address, port: 0).get()
        self.shared = shared
        server = try DNSServer(address: address, port: channel.localAddress?.port ?? 0)
    }

    /// What the server has seen and sent so far.
    var snapshot: Counts { shared.counts.withLock { $0 } }

    /// Stops the server.
    func stop() {
        channel.close(promise: nil)
    }
}

/// Parses each query's question and answers it, badly first.
private final class FloodingHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let shared: FloodingDNSServer.Shared

    init(shared: FloodingDNSServer.Shared) {
        self.shared = shared
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let raw = RawDNSQuestion(Array(envelope.data.readableBytesView)) else { return }
        let (id, question, type, name) = (raw.id, raw.bytes, raw.type, raw.name)
        let typeName = type == 1 ? "A" : type == 28 ? "AAAA" : type == 33 ? "SRV" : type == 15 ? "MX" : "TYPE\(type)"
        let remote = envelope.remoteAddress
        // The forgeries: the same question, records that point elsewhere, every ID but the right one.
        let forgedRecords: [FloodingDNSServer.Record] = switch type {
        case 1: [.a([127, 0, 0, 66])]
        case 33: [.srv(priority: 0, weight: 0, port: 995, target: "evil.flood.test")]
        default: []
        }
        for offset in 0..<shared.forgedPerQuery {
            let wrongID = id ^ UInt16(truncatingIfNeeded: offset + 1)
            let bytes = Self.answer(id: wrongID, question: question, type: type, rcode: 0, records: forgedRecords)
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes))), promise: nil)
        }
        context.flush()
        let forged = shared.forgedPerQuery
        shared.counts.withLock {
            $0.queries += 1
            $0.forged += forged
            $0.questions.append("\(name) \(typeName)")
        }

        guard let table = shared.records else { return }
        let known = table["\(name) \(typeName)"]
        let nameExists = table.keys.contains { $0.hasPrefix(name + " ") }
        let real = Self.answer(id: id, question: question, type: type, rcode: nameExists ? 0 : 3, records: known ?? [])
        let channel = context.channel
        let shared = self.shared
        context.eventLoop.scheduleTask(in: shared.realAnswerDelay) {
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: real)), promise: nil)
            shared.counts.withLock { $0.real += 1 }
        }
    }

    /// An answer message: header, the question as asked, the records (named by a pointer to it).
    static func answer(id: UInt16, question: [UInt8], type: UInt16, rcode: UInt8, records: [FloodingDNSServer.Record]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x81, 0x80 | rcode, 0, 1, 0, UInt8(records.count), 0, 0, 0, 0]
        bytes += question
        for record in records {
            var data: [UInt8]
            let recordType: UInt16
            switch record {
            case .a(let address):
                recordType = 1
                data = address
            case .srv(let priority, let weight, let port, let target):
                recordType = 33
                data = [UInt8(priority >> 8), UInt8(priority & 0xFF), UInt8(weight >> 8), UInt8(weight & 0xFF), UInt8(port >> 8), UInt8(port & 0xFF)]
                for label in target.split(separator: ".") {
                    data.append(UInt8(label.utf8.count))
                    data += label.utf8
                }
                data.append(0)
            }
            bytes += [0xC0, 0x0C, UInt8(recordType >> 8), UInt8(recordType & 0xFF), 0, 1, 0, 0, 0, 60, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
            bytes += data
        }
        return bytes
    }
}
