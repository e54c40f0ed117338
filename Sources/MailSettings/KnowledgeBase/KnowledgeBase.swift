import Foundation

/// Known providers, their servers, hosting patterns and notes; answers in microseconds, without network.
///
/// ``bundled`` is the knowledge base compiled into the package (from `ProviderData/`); it is decoded
/// once, the first time it is used.
///
/// ```swift
/// let gmail = KnowledgeBase.bundled.provider(forDomain: try DomainName("gmail.com"))
/// ```
public struct KnowledgeBase: Sendable {
    /// Every provider, sorted by id.
    public let providers: [Provider]
    /// The note catalog.
    public let notes: NoteCatalog

    private let indexByID: [String: Int]
    private let indexByDomain: [String: Int]
    private let patterns: HostingPatterns

    /// The knowledge base built into the package.
    public static let bundled: KnowledgeBase = {
        do {
            return try KnowledgeBase(json: EmbeddedKnowledgeBase.json)
        } catch {
            // Tests decode the embedded data on every run, so this is a build defect, not bad input.
            fatalError("the embedded knowledge base does not decode (\(error)); run Scripts/generate-knowledge-base.py")
        }
    }()

    /// Decodes a knowledge base from the JSON that `Scripts/generate-knowledge-base.py` embeds:
    /// `{"notes": {…}, "providers": […]}`.
    public init(json: String) throws {
        struct Payload: Decodable {
            var notes: NoteCatalog
            var providers: [Provider]
        }
        let payload = try JSONDecoder().decode(Payload.self, from: Data(json.utf8))
        self.init(providers: payload.providers, notes: payload.notes)
    }

    /// Builds a knowledge base from providers and notes (for tests and for tools with data of their own).
    /// When two providers claim the same domain or MX pattern, the first one wins.
    public init(providers: [Provider], notes: NoteCatalog) {
        self.providers = providers
        self.notes = notes
        var byID: [String: Int] = [:]
        var byDomain: [String: Int] = [:]
        for (index, provider) in providers.enumerated() {
            byID[provider.id] = byID[provider.id] ?? index
            for domain in provider.domains {
                byDomain[domain] = byDomain[domain] ?? index
            }
        }
        indexByID = byID
        indexByDomain = byDomain
        patterns = HostingPatterns(providers: providers)
    }

    /// The provider with this id, such as `gmail`.
    public func provider(id: String) -> Provider? {
        indexByID[id].map { providers[$0] }
    }

    /// The provider whose mail domains include `domain` exactly.
    public func provider(forDomain domain: DomainName) -> Provider? {
        indexByDomain[domain.ascii].map { providers[$0] }
    }

    /// The provider an MX host points to, by the hosting patterns (exact names first,
    /// then the longest `*.` suffix, then patterns relative to the user's domain).
    public func hostingMatch(forMXHost mxHost: String, domain: DomainName) -> HostingMatch? {
        let host = Self.normalizedHost(mxHost)
        guard let (index, pattern) = patterns.match(host: host, domain: domain.ascii) else { return nil }
        return HostingMatch(provider: providers[index], mxHost: host, pattern: pattern)
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

extension KnowledgeBase {
    /// Decodes the embedded data anew, without the cache behind ``bundled``.
    ///
    /// For measuring the cost of a first lookup; everyday code uses ``bundled``.
    public static func decodeBundled() throws -> KnowledgeBase {
        try KnowledgeBase(json: EmbeddedKnowledgeBase.json)
    }
}
