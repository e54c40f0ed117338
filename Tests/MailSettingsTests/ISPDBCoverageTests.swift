import Foundation
import Testing
@testable import MailSettings

#if canImport(FoundationXML)
import FoundationXML
#endif

/// For every domain of Thunderbird's ISPDB (read from `../shared/data/ispdb/`), the knowledge base
/// returns that file's servers (imports in the file's order), except those a curated entry drops on purpose.
@Suite("ISPDB coverage")
struct ISPDBCoverageTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/ispdb").standardized

    static var files: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted().map { directory.appendingPathComponent($0) }
    }

    static var available: Bool {
        !files.isEmpty || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1"
    }

    @Test(
        "every ISPDB domain returns its file's servers",
        .enabled(if: available, "the ISPDB snapshot is not at ../shared/data/ispdb")
    )
    func everyDomain() throws {
        let files = Self.files
        guard !files.isEmpty else {
            Issue.record("ISPDB snapshot not found at \(Self.directory.path); it ships in ../shared/data/ispdb")
            return
        }
        let base = KnowledgeBase.bundled
        let dropped = droppedServers(base)
        var domains: Set<String> = []
        for file in files {
            let parsed = try ISPDBFile(url: file)
            for domain in parsed.domains {
                domains.insert(domain)
                let name = try DomainName(domain)
                guard let provider = base.provider(forDomain: name) else {
                    Issue.record("\(file.lastPathComponent): \(domain) is not in the knowledge base")
                    continue
                }
                #expect(provider.ispdb.contains(file.lastPathComponent), "\(domain) is served by \(provider.id), which does not name \(file.lastPathComponent)")
                let expected = parsed.servers.filter { !dropped.contains(DroppedKey(provider: provider.id, server: $0)) }
                let actual = provider.servers.map { Server(protocol: $0.protocol.rawValue, hostname: $0.hostname, port: $0.port, security: $0.security.rawValue) }
                if provider.origin == .ispdb {
                    // An import keeps exactly the file's servers, in the file's order.
                    #expect(actual == expected, "\(domain) (\(provider.id)) differs from \(file.lastPathComponent)")
                } else {
                    // A curated entry keeps every server (it may reorder them, POP3 first, and add more).
                    for server in expected where !actual.contains(server) {
                        Issue.record("\(domain) (\(provider.id)) lacks \(server) from \(file.lastPathComponent)")
                    }
                }
            }
        }
        #expect(domains.count >= 962, "the 2026-03-12 snapshot has 963 domain entries, 962 distinct")
    }

    struct Server: Hashable, CustomStringConvertible {
        var `protocol`: String
        var hostname: String
        var port: Int
        var security: String
        var description: String { "\(`protocol`) \(hostname):\(port) \(security)" }
    }

    struct DroppedKey: Hashable {
        var provider: String
        var server: Server
    }

    /// The servers curated entries leave out on purpose (`droppedISPDBServers`), read from ProviderData/.
    func droppedServers(_ base: KnowledgeBase) -> Set<DroppedKey> {
        let repoProviders = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ProviderData/providers")
        var keys: Set<DroppedKey> = []
        for provider in base.providers where provider.origin == .curated {
            let url = repoProviders.appendingPathComponent("\(provider.id).json")
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let dropped = object["droppedISPDBServers"] as? [[String: Any]] else { continue }
            for entry in dropped {
                guard let proto = entry["protocol"] as? String, let host = entry["hostname"] as? String,
                      let port = entry["port"] as? Int else { continue }
                for security in ["tls", "starttls", "plain"] {
                    keys.insert(DroppedKey(provider: provider.id, server: Server(protocol: proto, hostname: host, port: port, security: security)))
                }
            }
        }
        return keys
    }
}

/// The facts of one ISPDB file, read with Foundation's XML parser, independently of our own code.
final class ISPDBFile: NSObject, XMLParserDelegate {
    private(set) var domains: [String] = []
    private(set) var servers: [ISPDBCoverageTests.Server] = []
    private var text = ""
    private var current: [String: String]?
    private var currentType: String?

    init(url: URL) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: url))
        parser.delegate = self
        guard parser.parse() else { throw CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        text = ""
        if name == "incomingServer" || name == "outgoingServer" {
            current = [:]
            currentType = attributes["type"]
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch name {
        case "domain" where current == nil:
            let domain = value.lowercased()
            if !domains.contains(domain) { domains.append(domain) }
        case "hostname", "port", "socketType":
            if current?[name] == nil { current?[name] = value }
        case "incomingServer", "outgoingServer":
            defer { current = nil }
            guard let server = current, let type = currentType, ["pop3", "imap", "smtp"].contains(type),
                  let host = server["hostname"], let port = server["port"].flatMap(Int.init),
                  let security = ["SSL": "tls", "STARTTLS": "starttls", "plain": "plain"][server["socketType"] ?? ""]
            else { return }
            let hostname = host.lowercased().replacingOccurrences(of: "%emaildomain%", with: "%EMAILDOMAIN%")
            servers.append(.init(protocol: type, hostname: hostname, port: port, security: security))
        default:
            break
        }
    }
}
