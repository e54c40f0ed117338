import Foundation
import Testing

@testable import MailSettings

/// Replays every seed under `Fuzz/Corpus/<target>/` through the checks its libFuzzer target
/// runs (``FuzzChecks``, compiled here from `Fuzz/Sources/FuzzChecks` through a link), so the
/// ordinary test run guards the corpus without libFuzzer (see `Fuzz/Package.swift` and
/// `Scripts/fuzz.sh`).
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // MailSettingsTests/
        .deletingLastPathComponent()  // Tests/
        .deletingLastPathComponent()  // the package
        .appendingPathComponent("Fuzz/Corpus")

    /// The seeds of one target, by file name.
    static func seeds(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    static func replay(_ target: String, _ check: ([UInt8]) -> [String]) throws {
        let seeds = try seeds(target)
        #expect(seeds.count >= 10, "the \(target) corpus is missing or nearly empty")
        #expect(seeds.count <= 60, "keep the \(target) corpus small: merge with -merge=1 to drop what adds no coverage")
        for (name, bytes) in seeds {
            let problems = check(bytes)
            #expect(problems.isEmpty, "\(target)/\(name): \(problems.joined(separator: "; "))")
        }
    }

    @Test("XML reader, autoconfig and Autodiscover seeds")
    func xml() throws {
        try Self.replay("FuzzXML", FuzzChecks.xml)
    }

    @Test("DNS message seeds")
    func dns() throws {
        try Self.replay("FuzzDNS", FuzzChecks.dns)
    }

    @Test("POP3, SMTP and IMAP session seeds")
    func sessions() throws {
        try Self.replay("FuzzMailSessions", FuzzChecks.sessions)
    }

    @Test("address, domain and punycode seeds")
    func addresses() throws {
        try Self.replay("FuzzAddress") { FuzzChecks.address($0) + FuzzChecks.punycode($0) }
    }
}

/// What the fuzz targets cannot check: punycode on its own, which is internal. The public
/// invariants are in `FuzzChecks/` (a link to `Fuzz/Sources/FuzzChecks`, which the fuzz targets
/// build from too).
extension FuzzChecks {
    /// Punycode's own round trip, on the texts ``address(_:)`` reads the bytes as: what encodes
    /// decodes back, scalar for scalar; and in every accepted domain (the text, the part after its
    /// last `@`, an accepted address's domain), each ACE label decodes and encodes back to itself.
    static func punycode(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        for text in addressTexts(bytes) {
            if let encoded = Punycode.encode(text),
                Punycode.decode(encoded)?.unicodeScalars.elementsEqual(text.unicodeScalars) != true
            {
                problems.append("punycode does not round-trip \(text.debugDescription)")
            }
            var domains = [try? DomainName(text), (try? EmailAddress(text))?.domain]
            if let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) {
                domains.append(try? DomainName(String(text[text.utf8.index(after: at)...])))
            }
            for domain in domains.compactMap({ $0 }) {
                for label in domain.ascii.split(separator: ".") where IDNA.hasACEPrefix(label) {
                    let decoded = Punycode.decode(label.dropFirst(IDNA.acePrefix.count))
                    if decoded.flatMap({ Punycode.encode($0) }).map({ IDNA.acePrefix + $0 }) != String(label) {
                        problems.append("punycode label \(label) of \(domain.ascii) does not round-trip")
                    }
                }
            }
        }
        return problems
    }
}
