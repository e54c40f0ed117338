import Logging
import MailSettings
import Synchronization
import Testing
@testable import MailAutoconfig

@Suite("AutoconfigResolver")
struct AutoconfigResolverTests {
    /// Keeps every message logged to it.
    final class RecordingLogHandler: LogHandler, Sendable {
        let messages = Mutex<[String]>([])
        var metadata: Logger.Metadata {
            get { [:] }
            set {}
        }
        var logLevel: Logger.Level {
            get { .trace }
            set {}
        }
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { nil }
            set {}
        }
        func log(event: LogEvent) {
            let line = "\(event.message) \(event.metadata?["source"].map { "\($0)" } ?? "")"
            messages.withLock { $0.append(line) }
        }
    }

    @Test("answers from the bundled knowledge base, as the offline lookup does")
    func bundled() async throws {
        let query = try MailQuery(parsing: "alice@gmx.net")
        let resolved = await AutoconfigResolver().resolve(query, input: "alice@gmx.net")
        let offline = KnowledgeBase.bundled.lookup(query, input: "alice@gmx.net")
        #expect(resolved.provider?.id == "gmx")
        #expect(resolved.incoming.map(\.settings) == offline.incoming.map(\.settings))
        #expect(resolved.isComplete)
    }

    @Test("logs what each source did to the logger it is given")
    func logs() async throws {
        let handler = RecordingLogHandler()
        let resolver = AutoconfigResolver(logger: Logger(label: "test") { _ in handler })
        _ = await resolver.resolve(try MailQuery(parsing: "web.de"), input: "web.de")
        #expect(handler.messages.withLock { $0 } == ["source finished bundled"])
    }
}
