import MailSettings

/// Many lookups with one resolver: each input (an address or a domain) parsed and looked up, at
/// most ``concurrency`` at once, and handed over in input order.
///
/// Give the resolver a ``CachingDNSResolver`` and a ``CachingHTTPClient`` so that inputs sharing
/// a domain, an ISPDB entry or a mail host share the answers; `autoconf-lookup batch` does.
///
/// ```swift
/// let batch = BatchLookup(resolver: try AutoconfigResolver(), options: ResolverOptions(), concurrency: 16)
/// await batch.lookUp(["alice@example.com", "example.org"]) { index, outcome in
///     print(index, outcome.isComplete)
///     return true  // false stops the batch
/// }
/// ```
public struct BatchLookup: Sendable {
    /// What one input came to.
    public enum Outcome: Sendable {
        /// The lookup ran (complete or not).
        case result(LookupResult)
        /// The input is not an address or a domain: the one-line reason.
        case invalid(String)

        /// True when at least one incoming and one outgoing server were found.
        public var isComplete: Bool {
            if case .result(let result) = self { return result.isComplete }
            return false
        }
    }

    /// The resolver; nil looks up in the bundled knowledge base only (offline).
    public var resolver: AutoconfigResolver?
    /// The options of every lookup (``ResolverOptions/lookup`` alone when offline).
    public var options: ResolverOptions
    /// How many lookups run at once (at least 1).
    public var concurrency: Int

    /// A batch with `resolver` (nil: offline), running `concurrency` lookups at once.
    public init(resolver: AutoconfigResolver?, options: ResolverOptions = ResolverOptions(), concurrency: Int = 8) {
        self.resolver = resolver
        self.options = options
        self.concurrency = max(1, concurrency)
    }

    /// Looks every input up and calls `deliver` with each outcome in input order, as soon as it
    /// and every earlier one are done; `deliver` returns false to stop the batch, which cancels
    /// the lookups still running.
    ///
    /// No lookup starts more than `16 × concurrency` inputs after the first one not yet
    /// delivered, so the outcomes waiting for an earlier slow one stay bounded, and a slow
    /// `deliver` holds the batch back rather than letting outcomes pile up.
    public func lookUp(_ inputs: [String], deliver: (_ index: Int, _ outcome: Outcome) async -> Bool) async {
        let window = concurrency * 16
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var nextToStart = 0
            var nextToDeliver = 0
            var running = 0
            var finished: [Int: Outcome] = [:]
            while nextToDeliver < inputs.count {
                while running < concurrency, nextToStart < inputs.count, nextToStart - nextToDeliver < window {
                    let index = nextToStart
                    let input = inputs[index]
                    group.addTask { (index, await outcome(for: input)) }
                    nextToStart += 1
                    running += 1
                }
                guard let (index, outcome) = await group.next() else { return }
                running -= 1
                finished[index] = outcome
                while let ready = finished.removeValue(forKey: nextToDeliver) {
                    guard await deliver(nextToDeliver, ready) else {
                        group.cancelAll()
                        return
                    }
                    nextToDeliver += 1
                }
            }
        }
    }

    /// One input: parsed, then looked up with the resolver, or in the bundled knowledge base when
    /// there is none.
    public func outcome(for input: String) async -> Outcome {
        let query: MailQuery
        do {
            query = try MailQuery(parsing: input)
        } catch {
            return .invalid(error.description)
        }
        guard let resolver else {
            return .result(KnowledgeBase.bundled.lookup(query, input: input, options: options.lookup))
        }
        return .result(await resolver.resolve(query, input: input, options: options))
    }
}
