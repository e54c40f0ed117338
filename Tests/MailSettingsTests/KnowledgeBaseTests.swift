import Foundation
import Testing
@testable import MailSettings

@Suite("Knowledge base")
struct KnowledgeBaseTests {
    let base = KnowledgeBase.bundled

    @Test("the embedded data decodes and every provider id is unique")
    func decodes() {
        #expect(base.providers.count > 150)
        #expect(Set(base.providers.map(\.id)).count == base.providers.count)
    }

    @Test("every embedded record reads back as exactly its ProviderData file")
    func recordsMatchTheirSource() throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ProviderData/providers")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        let fresh = try KnowledgeBase.decodeBundled()
        #expect(fresh.providers.count == files.count)
        for file in files {
            let source = try JSONDecoder().decode(Provider.self, from: Data(contentsOf: folder.appendingPathComponent(file)))
            #expect(fresh.provider(id: source.id) == source, "\(file) differs from its embedded record")
        }
    }

    @Test(
        "the providers the foundation issue names are curated",
        arguments: [
            "gmail", "google-workspace", "outlook", "microsoft-365", "yahoo", "aol", "icloud", "gmx", "web-de",
            "t-online", "zoho", "yandex", "mail-ru", "fastmail", "proton", "tuta", "orange", "free", "sfr",
            "movistar", "terra", "libero", "virgilio", "aruba", "qq", "netease-163", "netease-126", "comcast",
            "att", "verizon", "rediffmail", "seznam", "wp", "onet", "interia", "ovh", "ionos", "godaddy",
            "namecheap", "hostinger", "strato", "gandi", "generic-hosting", "mimecast", "proofpoint", "barracuda",
        ]
    )
    func curated(id: String) throws {
        let found = base.provider(id: id)
        let provider = try #require(found, "no provider \(id)")
        #expect(provider.origin == .curated)
        #expect(provider.lastReviewed != nil)
        if provider.confidence != .high {
            #expect(provider.confidenceReason?.isEmpty == false, "\(id): a confidence below high needs a reason")
        }
    }

    @Test("every note a provider names exists in the catalog, with English and Spanish text")
    func notesExist() {
        for provider in base.providers {
            for note in provider.notes {
                #expect(base.notes.entries[note.id] != nil, "\(provider.id) names unknown note \(note.id)")
            }
        }
        #expect(base.notes.entries.count >= 15)
        for (id, entry) in base.notes.entries {
            #expect(!entry.en.isEmpty && !entry.es.isEmpty, "\(id) lacks a language")
            #expect(entry.en != entry.es, "\(id): the Spanish text is a copy of the English one")
        }
    }

    @Test("the notes the rules and the lookup emit are all in the catalog")
    func ruleNotesExist() {
        let emitted = [
            "oauth-only", "untrusted-source", "unverified-settings", "insecure-port", "port-25-blocked",
            "tls-vs-starttls", "pop-leave-copy", "not-in-knowledge-base", "filtering-relay", "sources-disagree", "no-pop",
        ]
        for id in emitted {
            #expect(base.notes.entries[id] != nil, "rule note \(id) missing from notes.json")
        }
    }

    @Test("Gmail by domain: POP3 first, the user name filled in, trusted and curated")
    func gmail() throws {
        let query = try MailQuery(parsing: "Alice@GMAIL.com")
        let result = base.lookup(query, input: "Alice@GMAIL.com")
        #expect(result.provider?.id == "gmail")
        let best = try #require(result.incoming.first)
        #expect(best.settings.protocol == .pop3)
        #expect(best.settings.hostname == "pop.gmail.com")
        #expect(best.settings.port == 995)
        #expect(best.settings.security == .tls)
        #expect(best.settings.username == "Alice@gmail.com")
        #expect(best.trusted)
        #expect(best.sources == [.bundled])
        #expect(result.outgoing.first?.settings.hostname == "smtp.gmail.com")
        #expect(result.notes.contains { $0.id == "enable-pop" || $0.id == "app-password" })
        #expect(result.sources.map(\.id) == [.bundled])
        #expect(result.sources.first?.status == .found)
    }

    @Test("preferring IMAP puts an IMAP server first")
    func preferImap() throws {
        let result = base.lookup(try MailQuery(parsing: "gmail.com"), input: "gmail.com", options: .init(preferredIncoming: .imap))
        #expect(result.incoming.first?.settings.protocol == .imap)
        #expect(result.incoming.first?.settings.username == "%EMAILADDRESS%")
    }

    @Test("an unknown domain gives no servers, a null provider and the not-in-knowledge-base note")
    func unknown() throws {
        let result = base.lookup(try MailQuery(parsing: "bob@no-such-provider.test"), input: "x")
        #expect(result.provider == nil)
        #expect(result.incoming.isEmpty && result.outgoing.isEmpty)
        #expect(!result.isComplete)
        #expect(result.notes.map(\.id) == ["not-in-knowledge-base"])
        #expect(result.sources.first?.status == .empty)
    }

    @Test("Tuta is known but offers no POP3, IMAP or SMTP, and says so")
    func tuta() throws {
        let result = base.lookup(try MailQuery(parsing: "alice@tuta.com"), input: "alice@tuta.com")
        #expect(result.provider?.id == "tuta")
        #expect(result.incoming.isEmpty && result.outgoing.isEmpty)
        #expect(result.notes.contains { $0.id == "no-standard-access" })
        #expect(result.sources.first?.status == .empty)
    }

    @Test("Proton only through the Bridge on 127.0.0.1")
    func proton() throws {
        let result = base.lookup(try MailQuery(parsing: "alice@proton.me"), input: "alice@proton.me")
        #expect(result.provider?.id == "proton")
        #expect(!result.incoming.isEmpty)
        #expect(result.incoming.allSatisfy { $0.settings.hostname == "127.0.0.1" })
        #expect(result.notes.first?.id == "bridge-required")
    }

    @Test("Spanish notes come from the Spanish catalog text")
    func spanish() throws {
        let result = base.lookup(try MailQuery(parsing: "alice@gmail.com"), input: "a", options: .init(language: .spanish))
        let note = try #require(result.notes.first { $0.id == "tls-vs-starttls" })
        #expect(note.text == base.notes.entries["tls-vs-starttls"]?.es)
    }
}
