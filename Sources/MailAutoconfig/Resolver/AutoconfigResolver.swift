import Logging
import MailSettings

/// Finds the settings for an address by asking every source it has.
///
/// In this version the sources are the bundled knowledge base; the domain's own autoconfig
/// files, the ISPDB, DNS (SRV, MX) and probing join it in later versions, behind the same call.
///
/// ```swift
/// let resolver = AutoconfigResolver()
/// let result = await resolver.resolve(try MailQuery(parsing: "alice@gmail.com"), input: "alice@gmail.com")
/// ```
public struct AutoconfigResolver: Sendable {
    /// The knowledge base used as the `bundled` source.
    public var knowledgeBase: KnowledgeBase
    /// Where the resolver logs what each source did (a no-op logger unless one is given).
    public var logger: Logger

    /// Creates a resolver.
    public init(
        knowledgeBase: KnowledgeBase = .bundled,
        logger: Logger = Logger(label: "mail-autoconfig", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.knowledgeBase = knowledgeBase
        self.logger = logger
    }

    /// Resolves a query into a ranked result.
    public func resolve(_ query: MailQuery, input: String, options: LookupOptions = LookupOptions()) async -> LookupResult {
        let result = knowledgeBase.lookup(query, input: input, options: options)
        for source in result.sources {
            logger.debug("source finished", metadata: [
                "source": "\(source.id)", "status": "\(source.status.rawValue)", "ms": "\(source.ms)",
            ])
        }
        return result
    }
}
