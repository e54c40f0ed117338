import Foundation
import MailAutoconfig
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Real servers on loopback for the tests that cross a network (design, "The test world").
///
/// A world is a temporary folder with a test CA and server certificates made by `openssl`,
/// an `nginx` serving files over HTTPS and HTTP on 127.0.0.2 (ports 443 and 80 when they are
/// free, high ports otherwise), and, on request, a small Python server on 127.0.0.3 that
/// stalls, trickles or never ends its body, for what nginx cannot do on purpose.
///
/// Every server is stopped when the world goes away (or at ``stop()``):
///
/// ```swift
/// let world = try await World.start()
/// try world.write("autoconfig.example.test", "/mail/config-v1.1.xml", xml)
/// let client = try NIOHTTPClient(additionalTrustRootsPEM: [world.caPEM], addressMapping: world.addressMapping)
/// ```
///
/// Tests that need it are enabled with `.enabled(if: World.canRun, World.skipMessage)`: when a
/// program is missing they skip with the Debian package to install, except under
/// `AUTOCONF_REQUIRE_WORLD=1`, where they run and fail.
final class World: Sendable {
    /// What the world serves.
    struct Options {
        /// The names served by the main virtual host, all in its certificate. Each has its own
        /// document root: ``World/write(_:_:_:)``.
        var hostNames = ["autoconfig.example.test", "example.test", "autodiscover.example.test"]
        /// A name served with a certificate for ``mismatchedCertificateName`` only.
        var mismatchedHostName = "wrong.example.test"
        /// The only name in the certificate of ``mismatchedHostName``.
        var mismatchedCertificateName = "other.test"
        /// Where nginx listens.
        var address = "127.0.0.2"
        /// Redirects and content types by exact path, for every host name.
        var locations: [Location] = []
        /// Whether to start the Python server.
        var startsSlowServer = false
        /// Where the Python server listens.
        var slowServerAddress = "127.0.0.3"
        /// The name the Python server's certificate is for.
        var slowHostName = "slow.example.test"
    }

    /// An nginx `location = PATH` block.
    enum Location {
        /// Answers `status` with `Location: target` (relative targets stay relative).
        case redirect(path: String, status: Int, to: String)
        /// Serves the file at `path` with this `Content-Type`.
        case contentType(path: String, type: String)
    }

    /// The temporary folder everything lives in.
    let folder: URL
    /// The test CA's certificate, in PEM, to give the client as an extra trust root.
    let caPEM: String
    /// Where nginx listens.
    let address: String
    /// nginx's HTTPS port (443 unless it was taken).
    let httpsPort: Int
    /// nginx's HTTP port (80 unless it was taken).
    let httpPort: Int
    /// The Python server's address.
    let slowServerAddress: String
    /// The Python server's TLS port (443 unless taken), if it runs.
    let slowServerPort: Int?
    /// A port of the Python server that accepts TCP and then never says anything (no TLS handshake).
    let silentPort: Int?
    /// Maps every name of the world (port 443 and 80) to where its server really listens, so a
    /// URL like `https://autoconfig.example.test/…` reaches it.
    let addressMapping: AddressMapping
    let options: Options

    private let nginxPID: pid_t
    private let slowServerPID: pid_t?
    private let stopped = Mutex(false)

    /// Whether every program of the world is installed.
    static var available: Bool { WorldPrograms.missingPackages.isEmpty }

    /// Whether a missing program must fail the tests instead of skipping them (CI).
    static var required: Bool { ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1" }

    /// Whether world tests run: the programs are there, or their absence must fail.
    static var canRun: Bool { available || required }

    /// Why world tests are skipped.
    static var skipMessage: Comment {
        "needs the Debian packages \(WorldPrograms.missingPackages.joined(separator: ", ")) (Scripts/test.sh installs them)"
    }

    /// Builds the world and starts its servers, on a thread of its own: the setup waits for
    /// programs and ports, and must not hold up the threads other tests run on.
    static func start(_ options: Options = Options()) async throws -> World {
        try await WorldPrograms.onOwnThread { try World(options) }
    }

    /// Builds the world and starts its servers, blocking the calling thread meanwhile (prefer
    /// ``start(_:)`` in async tests).
    init(_ options: Options = Options()) throws {
        let missing = WorldPrograms.missingPackages
        guard missing.isEmpty else {
            throw WorldError("the test world needs the Debian packages \(missing.joined(separator: ", ")); install them (Scripts/test.sh does)")
        }
        self.options = options
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autoconf-world-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        self.address = options.address
        self.slowServerAddress = options.slowServerAddress

        do {
            // Certificates: one CA; one certificate for the world's names; one for another name only.
            try Self.installCertificates(for: options, in: folder)
            caPEM = try String(contentsOf: folder.appendingPathComponent("ca.crt"), encoding: .utf8)

            for name in options.hostNames + [options.mismatchedHostName] {
                try FileManager.default.createDirectory(
                    at: folder.appendingPathComponent("sites/\(name)"), withIntermediateDirectories: true)
            }
            for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
                let url = folder.appendingPathComponent("tmp/\(temp)")
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                chmod(url.path, 0o777)
            }

            // nginx on the standard ports when free, else on free high ports. Worlds of other
            // tests and test processes start one at a time, so that two never pick the same port.
            let lock = WorldPrograms.lock()
            defer { WorldPrograms.unlock(lock) }
            var started: (pid: pid_t, https: Int, http: Int)?
            if Loopback.canBind(options.address, 443), Loopback.canBind(options.address, 80) {
                started = try? (Self.startNginx(options: options, ports: (443, 80), in: folder), 443, 80)
            }
            var attempts = 0
            while started == nil {
                attempts += 1
                guard let https = Loopback.freePort(options.address), let http = Loopback.freePort(options.address), https != http
                else {
                    throw WorldError("no free port on \(options.address); is it a loopback address of this machine?")
                }
                do {
                    started = (try Self.startNginx(options: options, ports: (https, http), in: folder), https, http)
                } catch where attempts < 3 {
                    continue
                }
            }
            nginxPID = started!.pid
            httpsPort = started!.https
            httpPort = started!.http

            if options.startsSlowServer {
                do {
                    let (pid, tlsPort, silent) = try Self.startSlowServer(options: options, in: folder)
                    slowServerPID = pid
                    slowServerPort = tlsPort
                    silentPort = silent
                } catch {
                    WorldPrograms.stopDaemon(pid: started!.pid)
                    throw error
                }
            } else {
                slowServerPID = nil
                slowServerPort = nil
                silentPort = nil
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }

        var connectTo: [AddressMapping.ConnectTo] = []
        for name in options.hostNames + [options.mismatchedHostName] {
            connectTo.append(.init(host: name, port: 443, targetHost: options.address, targetPort: httpsPort))
            connectTo.append(.init(host: name, port: 80, targetHost: options.address, targetPort: httpPort))
        }
        if let slowServerPort {
            connectTo.append(
                .init(host: options.slowHostName, port: 443, targetHost: options.slowServerAddress, targetPort: slowServerPort))
        }
        addressMapping = AddressMapping(connectTo: connectTo)
    }

    deinit {
        stop()
    }

    /// Stops the servers and removes the folder.
    func stop() {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        WorldPrograms.stopDaemon(pid: nginxPID)
        if let slowServerPID {
            WorldPrograms.stopChild(pid: slowServerPID)
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Whether nginx is still running (for tests of the world itself).
    var nginxIsRunning: Bool { WorldPrograms.isRunning(pid: nginxPID) }

    // MARK: - Content

    /// Writes a file served at `path` for `host` (over HTTPS and HTTP).
    func write(_ host: String, _ path: String, _ contents: String) throws {
        let url = try fileURL(host, path)
        try Data(contents.utf8).write(to: url)
    }

    /// Makes a sparse file of `size` bytes served at `path` for `host`.
    func writeLargeFile(_ host: String, _ path: String, size: Int) throws {
        let url = try fileURL(host, path)
        try Data().write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    private func fileURL(_ host: String, _ path: String) throws -> URL {
        let url = folder.appendingPathComponent("sites/\(host)").appendingPathComponent(String(path.drop { $0 == "/" }))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }

    /// nginx's access log once it holds every one of `lines` (nginx writes a line just after
    /// the answer, so a client may be done before it is there), or as it is after 2 seconds.
    func accessLog(containing lines: [String]) async -> String {
        let url = folder.appendingPathComponent("access.log")
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            let log = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            if lines.allSatisfy(log.contains) || clock.now - start > .seconds(2) { return log }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The world's nginx error log, for failure messages.
    var nginxErrorLog: String {
        (try? String(contentsOf: folder.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
    }

    // MARK: - Certificates

    private static func installCertificates(for options: Options, in folder: URL) throws {
        try TestCertificates.install(
            authority: "swift-mail-autoconfig Test CA", main: options.hostNames + [options.slowHostName],
            mismatched: [options.mismatchedCertificateName], in: folder)
    }

    // MARK: - nginx

    private static func startNginx(options: Options, ports: (https: Int, http: Int), in folder: URL) throws -> pid_t {
        let w = folder.path
        var locations = ""
        for location in options.locations {
            switch location {
            case .redirect(let path, let status, let target):
                locations += "        location = \(path) { return \(status) \"\(target)\"; }\n"
            case .contentType(let path, let type):
                locations += "        location = \(path) { types { } default_type \"\(type)\"; }\n"
            }
        }
        let configuration = """
            daemon on;
            worker_processes 1;
            pid \(w)/nginx.pid;
            error_log \(w)/error.log warn;
            events { worker_connections 128; }
            http {
                access_log \(w)/access.log;
                client_body_temp_path \(w)/tmp/body;
                proxy_temp_path \(w)/tmp/proxy;
                fastcgi_temp_path \(w)/tmp/fastcgi;
                uwsgi_temp_path \(w)/tmp/uwsgi;
                scgi_temp_path \(w)/tmp/scgi;
                types { application/xml xml; text/html html; text/plain txt; application/json json; }
                default_type application/octet-stream;
                absolute_redirect off;
                server_tokens off;
                server {
                    listen \(options.address):\(ports.https) ssl default_server;
                    listen \(options.address):\(ports.http) default_server;
                    server_name \(options.hostNames.joined(separator: " "));
                    ssl_certificate \(w)/main.crt;
                    ssl_certificate_key \(w)/main.key;
                    root \(w)/sites/$host;
                    # nginx answers a POST to a static file with 405; serve the file instead (Autodiscover).
                    error_page 405 =200 $uri;
            \(locations)    }
                server {
                    listen \(options.address):\(ports.https) ssl;
                    server_name \(options.mismatchedHostName);
                    ssl_certificate \(w)/mismatched.crt;
                    ssl_certificate_key \(w)/mismatched.key;
                    root \(w)/sites/$host;
                }
            }

            """
        let configurationURL = folder.appendingPathComponent("nginx.conf")
        try Data(configuration.utf8).write(to: configurationURL)
        let errorLog = folder.appendingPathComponent("error.log").path
        do {
            try WorldPrograms.run("nginx", ["-c", configurationURL.path, "-e", errorLog], in: folder)
        } catch {
            throw WorldError("nginx did not start: \(error); log: \((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "")")
        }
        // The master writes its pid file after daemonizing; wait for it, then for the ports.
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        while pid == 0, clock.now - start < .seconds(5) {
            if let text = try? String(contentsOfFile: "\(w)/nginx.pid", encoding: .utf8),
                let number = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                pid = number
            } else {
                usleep(5_000)
            }
        }
        guard pid > 0 else { throw WorldError("nginx wrote no pid file in \(w)") }
        guard Loopback.waitUntilAccepting(options.address, ports.https), Loopback.waitUntilAccepting(options.address, ports.http)
        else {
            WorldPrograms.stopDaemon(pid: pid)
            throw WorldError("nginx does not accept on \(options.address):\(ports.https)")
        }
        return pid
    }

    // MARK: - The Python server

    private static func startSlowServer(options: Options, in folder: URL) throws -> (pid_t, Int, Int) {
        guard let python = WorldPrograms.find("python3") else {
            throw WorldError("python3 not found: install the Debian package python3")
        }
        let script = folder.appendingPathComponent("slow_server.py")
        try Data(slowServerScript.utf8).write(to: script)
        let portsFile = folder.appendingPathComponent("slow_server.ports")
        let log = folder.appendingPathComponent("slow_server.log").path

        let tlsPort = Loopback.canBind(options.slowServerAddress, 443) ? 443 : 0
        let silentPort = Loopback.canBind(options.slowServerAddress, 444) ? 444 : 0
        let pid = try WorldPrograms.spawn(
            python,
            [
                script.path, folder.appendingPathComponent("main.crt").path, folder.appendingPathComponent("main.key").path,
                options.slowServerAddress, String(tlsPort), String(silentPort), portsFile.path,
            ],
            output: log)

        let ports = try WorldPrograms.ports(2, from: portsFile, of: pid, name: "the Python test server", log: log)
        return (pid, ports[0], ports[1])
    }

    /// What nginx cannot do on purpose, on a TLS port (by path) and a silent TCP port:
    /// `/stall` reads the request and never answers; `/trickle` answers one byte a second;
    /// `/endless` sends a chunked body that never ends; `/garbage` answers something that is not
    /// HTTP; `/truncated` closes before its body is complete; the silent port accepts and never
    /// speaks.
    private static let slowServerScript = #"""
        import asyncio, os, ssl, sys

        RESPONSE_BODY = b"<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"/>\n"

        async def handle(reader, writer):
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("ascii", "replace")
                if path.startswith("/stall"):
                    await asyncio.sleep(3600)
                elif path.startswith("/trickle"):
                    answer = (b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n"
                              b"Connection: close\r\n\r\n" % len(RESPONSE_BODY)) + RESPONSE_BODY
                    for index in range(len(answer)):
                        writer.write(answer[index:index + 1])
                        await writer.drain()
                        await asyncio.sleep(1)
                elif path.startswith("/endless"):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    chunk = b"<!-- " + b"x" * 65000 + b" -->\n"
                    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
                    while True:
                        writer.write(frame)
                        await writer.drain()
                elif path.startswith("/garbage"):
                    writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
                    await writer.drain()
                elif path.startswith("/truncated"):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n<clientConfig")
                    await writer.drain()
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    await writer.drain()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
                pass
            finally:
                try:
                    writer.close()
                except Exception:
                    pass

        async def silent(reader, writer):
            await asyncio.sleep(3600)

        async def listen(handler, host, port, context):
            try:
                return await asyncio.start_server(handler, host, port, ssl=context)
            except OSError:
                return await asyncio.start_server(handler, host, 0, ssl=context)

        async def main():
            cert, key, host, tls_port, silent_port, ports_file = sys.argv[1:7]
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            tls_server = await listen(handle, host, int(tls_port), context)
            silent_server = await listen(silent, host, int(silent_port), None)
            with open(ports_file + ".part", "w") as output:
                output.write("%d %d\n" % (tls_server.sockets[0].getsockname()[1],
                                          silent_server.sockets[0].getsockname()[1]))
            os.rename(ports_file + ".part", ports_file)
            await asyncio.gather(tls_server.serve_forever(), silent_server.serve_forever())

        asyncio.run(main())
        """#
}
