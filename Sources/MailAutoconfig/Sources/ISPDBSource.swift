import MailSettings

/// Thunderbird's ISP database, asked by domain only: the address is never sent there.
public struct ISPDBSource: SettingsSource {
    /// Always `ispdb`.
    public var id: SourceID { .ispdb }

    /// Creates the source.
    public init() {}

    /// The URL for a domain under a base URL (a missing trailing slash is added).
    public static func url(base: String, domain: DomainName) -> String {
        (base.hasSuffix("/") ? base : base + "/") + domain.ascii
    }

    /// Fetches and parses the domain's ISPDB entry.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        do {
            let request = try HTTPRequest(
                url: Self.url(base: context.options.ispdbBaseURL, domain: query.domain),
                timeout: context.remaining
            )
            let response = try await context.http.fetch(request)
            return HTTPOutcome.outcome(forConfig: response, source: id, trusted: request.url.isHTTPS)
        } catch {
            return HTTPOutcome.outcome(for: error)
        }
    }
}
