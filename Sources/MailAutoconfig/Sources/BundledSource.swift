import MailSettings

/// The knowledge base compiled into the package.
public struct BundledSource: SettingsSource {
    /// Always `bundled`.
    public var id: SourceID { .bundled }

    /// Creates the source.
    public init() {}

    /// Looks the domain (and the MX hosts given in the options) up in the knowledge base.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        let (finding, report) = context.knowledgeBase.finding(for: query.domain, mxHosts: context.options.lookup.mxHosts)
        return SourceOutcome(status: report.status, detail: report.detail, finding: finding)
    }
}
