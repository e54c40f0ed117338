/// Known providers, their servers, hosting patterns and notes; answers in microseconds, without network.
///
/// ``bundled`` is the knowledge base compiled into the package (from `ProviderData/`). Its index is
/// read the first time it is used, and each provider's record the first time that provider is
/// asked for, so a short-lived process pays only for what it looks at.
///
/// ```swift
/// let gmail = KnowledgeBase.bundled.provider(forDomain: try DomainName("gmail.com"))
/// ```
public struct KnowledgeBase: Sendable {
    /// The note catalog.
    public let notes: NoteCatalog

    private let store: ProviderStore
    private let positionByID: [String: Int]
    private let positionByDomain: [String: Int]
    private let patterns: HostingPatterns

    /// The knowledge base built into the package.
    public static let bundled: KnowledgeBase = {
        do {
            return try decodeBundled()
        } catch {
            // Tests read the whole embedded data on every run, so this is a build defect, not bad input.
            fatalError("the embedded knowledge base is malformed (\(error)); run Scripts/generate-knowledge-base.py")
        }
    }()

    /// Reads the embedded index anew, without the cache behind ``bundled``.
    ///
    /// For measuring the cost of a first lookup; everyday code uses ``bundled``.
    public static func decodeBundled() throws -> KnowledgeBase {
        let index = try EmbeddedRecord.index(EmbeddedKnowledgeBase.index)
        return KnowledgeBase(
            store: ProviderStore(records: EmbeddedKnowledgeBase.providers),
            notes: try EmbeddedRecord.notes(EmbeddedKnowledgeBase.notes),
            positionByID: index.ids,
            positionByDomain: index.domains,
            patterns: HostingPatterns(index.mxPatterns)
        )
    }

    /// Builds a knowledge base from providers and notes (for tests and for tools with data of their own).
    /// When two providers claim the same id, domain or MX pattern, the first one wins.
    public init(providers: [Provider], notes: NoteCatalog) {
        var byID: [String: Int] = [:]
        var byDomain: [String: Int] = [:]
        var patterns: [(pattern: String, position: Int)] = []
        for (position, provider) in providers.enumerated() {
            byID[provider.id] = byID[provider.id] ?? position
            for domain in provider.domains {
                byDomain[domain] = byDomain[domain] ?? position
            }
            patterns += provider.mxPatterns.map { ($0, position) }
        }
        self.init(
            store: ProviderStore(providers: providers),
            notes: notes,
            positionByID: byID,
            positionByDomain: byDomain,
            patterns: HostingPatterns(patterns)
        )
    }

    private init(
        store: ProviderStore,
        notes: NoteCatalog,
        positionByID: [String: Int],
        positionByDomain: [String: Int],
        patterns: HostingPatterns
    ) {
        self.store = store
        self.notes = notes
        self.positionByID = positionByID
        self.positionByDomain = positionByDomain
        self.patterns = patterns
    }

    /// Every provider, sorted by id (this reads every record: prefer the look-ups below).
    public var providers: [Provider] {
        (0..<store.count).map(store.provider(at:))
    }

    /// The provider with this id, such as `gmail`.
    public func provider(id: String) -> Provider? {
        positionByID[id].map(store.provider(at:))
    }

    /// The provider whose mail domains include `domain` exactly.
    public func provider(forDomain domain: DomainName) -> Provider? {
        positionByDomain[domain.ascii].map(store.provider(at:))
    }

    /// The provider an MX host points to, by the hosting patterns (exact names first,
    /// then the longest `*.` suffix, then patterns relative to the user's domain).
    public func hostingMatch(forMXHost mxHost: String, domain: DomainName) -> HostingMatch? {
        let host = Self.normalizedHost(mxHost)
        guard let (position, pattern) = patterns.match(host: host, domain: domain.ascii) else { return nil }
        return HostingMatch(provider: store.provider(at: position), mxHost: host, pattern: pattern)
    }

    static func normalizedHost(_ host: String) -> String {
        var host = host.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

/// An MX host recognised by one of a provider's hosting patterns.
public struct HostingMatch: Sendable, Hashable {
    /// The provider (a mailbox host, or a filtering relay).
    public var provider: Provider
    /// The MX host, lower-case, without a trailing dot.
    public var mxHost: String
    /// The pattern that matched, as written in the knowledge base.
    public var pattern: String
}
