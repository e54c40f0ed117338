import Logging
import MailSettings

/// One place settings can come from: the bundled knowledge base, an autoconfig URL, the ISPDB …
///
/// A source never throws: whatever happens becomes its ``SourceOutcome`` (found, empty, failed),
/// so that one broken source cannot take the others down.
public protocol SettingsSource: Sendable {
    /// The stable id reported in `sources`.
    var id: SourceID { get }
    /// Looks the query up.
    func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome
}

/// What one source ended with.
public struct SourceOutcome: Sendable {
    /// Found, empty, failed or skipped.
    public var status: SourceReport.Status
    /// One line for people: where it looked and what it found, or what went wrong.
    public var detail: String
    /// The servers and notes found, when any.
    public var finding: SourceFinding?

    /// Creates an outcome.
    public init(status: SourceReport.Status, detail: String, finding: SourceFinding? = nil) {
        self.status = status
        self.detail = detail
        self.finding = finding
    }
}

/// What every source of one resolution shares.
public struct SourceContext: Sendable {
    /// The HTTP transport.
    public var http: any HTTPFetching
    /// The DNS resolver of the `srv` and `mx` sources.
    public var dns: any DNSResolving
    /// The options of this resolution.
    public var options: ResolverOptions
    /// The knowledge base (for the `bundled` source).
    public var knowledgeBase: KnowledgeBase
    /// When the whole resolution must be over.
    public var deadline: ContinuousClock.Instant
    /// Where sources log.
    public var logger: Logger

    /// Creates a context.
    public init(
        http: any HTTPFetching, dns: any DNSResolving, options: ResolverOptions, knowledgeBase: KnowledgeBase,
        deadline: ContinuousClock.Instant, logger: Logger
    ) {
        self.http = http
        self.dns = dns
        self.options = options
        self.knowledgeBase = knowledgeBase
        self.deadline = deadline
        self.logger = logger
    }

    /// The time left before the deadline (at least a millisecond, so a request can still fail cleanly).
    public var remaining: Duration {
        max(deadline - ContinuousClock.now, .milliseconds(1))
    }
}
