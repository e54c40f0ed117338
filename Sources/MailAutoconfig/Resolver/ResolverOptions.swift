import MailSettings

/// How a resolver asks its sources: which ones, how long, and what it may reveal.
public struct ResolverOptions: Sendable {
    /// Preferred incoming protocol, language and MX hosts (the pure part of a lookup).
    public var lookup: LookupOptions
    /// Ask the bundled knowledge base only: no network at all.
    public var offline: Bool
    /// One deadline for the whole resolution; a source still running then is reported as failed.
    public var timeout: Duration
    /// Whether the untrusted plain-HTTP autoconfig sources run (`--no-http` turns them off).
    public var allowPlainHTTP: Bool
    /// Whether the full address is sent as `?emailaddress=` to the domain's own servers
    /// (never to the ISPDB; `--no-send-address` turns it off).
    public var sendAddress: Bool
    /// The ISPDB's base URL; the domain is appended.
    public var ispdbBaseURL: String
    /// When the resolution may answer before every source has finished:
    /// `EarlyAnswerPolicy.waitForAll` by default (the command line uses
    /// `EarlyAnswerPolicy.whenTrustedSourcesAgree` unless `--wait-all`).
    public var earlyAnswer: EarlyAnswerPolicy
    /// Whether every candidate is probed after the sources (`--probe`), and servers guessed
    /// from the usual names (`pop.`, `imap.`, `mail.`, `smtp.`…) are tried too. Without it,
    /// probing and guessing happen only when no source found anything.
    public var probe: Bool
    /// The time the probing step may take, after the sources: the DNS check of the guessed
    /// names and the probes, which all run at once.
    public var probeTimeout: Duration

    /// Thunderbird's public ISPDB.
    public static let defaultISPDBBaseURL = "https://autoconfig.thunderbird.net/v1.1/"

    /// Creates options.
    public init(
        lookup: LookupOptions = LookupOptions(),
        offline: Bool = false,
        timeout: Duration = .seconds(10),
        allowPlainHTTP: Bool = true,
        sendAddress: Bool = true,
        ispdbBaseURL: String = ResolverOptions.defaultISPDBBaseURL,
        earlyAnswer: EarlyAnswerPolicy = .waitForAll,
        probe: Bool = false,
        probeTimeout: Duration = .seconds(5)
    ) {
        self.lookup = lookup
        self.offline = offline
        self.timeout = timeout
        self.allowPlainHTTP = allowPlainHTTP
        self.sendAddress = sendAddress
        self.ispdbBaseURL = ispdbBaseURL
        self.earlyAnswer = earlyAnswer
        self.probe = probe
        self.probeTimeout = probeTimeout
    }
}
