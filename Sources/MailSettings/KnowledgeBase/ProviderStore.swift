import Synchronization

/// Holds the providers of a knowledge base: either already built, or as embedded records
/// that are parsed the first time each provider is asked for and kept from then on.
final class ProviderStore: Sendable {
    private let records: [String]
    private let cache: Mutex<[Provider?]>

    /// A store of embedded records, parsed lazily.
    init(records: [String]) {
        self.records = records
        cache = Mutex(Array(repeating: nil, count: records.count))
    }

    /// A store of providers already built.
    init(providers: [Provider]) {
        records = []
        cache = Mutex(providers)
    }

    /// How many providers there are.
    var count: Int { cache.withLock { $0.count } }

    /// The provider at a position (0 ..< count).
    func provider(at position: Int) -> Provider {
        if let provider = cache.withLock({ $0[position] }) { return provider }
        let provider: Provider
        do {
            provider = try EmbeddedRecord.provider(records[position])
        } catch {
            // The generator wrote these records and the tests read every one of them.
            fatalError("embedded knowledge base record \(position) is malformed (\(error)); run Scripts/generate-knowledge-base.py")
        }
        cache.withLock { $0[position] = provider }
        return provider
    }
}
