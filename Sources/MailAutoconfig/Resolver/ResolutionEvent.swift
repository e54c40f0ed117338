import MailSettings

/// One step of a resolution, as ``AutoconfigResolver/updates(for:input:options:)`` streams it.
///
/// Every source is `started` once and `finished` once (sources given up at the deadline or by
/// an early answer finish too, as failed or skipped); `completed` comes last, once.
public enum ResolutionEvent: Sendable {
    /// A source started asking.
    case started(SourceID)
    /// A source finished. `soFar` ranks everything found until now; its `sources` lists the
    /// sources finished so far.
    case finished(SourceReport, soFar: LookupResult)
    /// The resolution is over: the final ranked result, every source reported.
    case completed(LookupResult)
}
