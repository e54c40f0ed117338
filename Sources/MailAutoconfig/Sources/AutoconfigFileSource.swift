import MailSettings

/// A Mozilla autoconfig file published by the domain itself, at one of its two well-known places,
/// over HTTPS (trusted) or plain HTTP (untrusted, and off with `--no-http`).
public struct AutoconfigFileSource: SettingsSource {
    /// Where the file is looked for.
    public enum Place: Sendable {
        /// `autoconfig.<domain>/mail/config-v1.1.xml`.
        case autoconfigHost
        /// `<domain>/.well-known/autoconfig/mail/config-v1.1.xml`.
        case wellKnown
    }

    /// Where to look.
    public var place: Place
    /// HTTPS, or plain HTTP.
    public var secure: Bool

    /// Creates a source.
    public init(place: Place, secure: Bool) {
        self.place = place
        self.secure = secure
    }

    /// `autoconfig-https`, `well-known-https`, `autoconfig-http` or `well-known-http`.
    public var id: SourceID {
        switch (place, secure) {
        case (.autoconfigHost, true): .autoconfigHTTPS
        case (.wellKnown, true): .wellKnownHTTPS
        case (.autoconfigHost, false): .autoconfigHTTP
        case (.wellKnown, false): .wellKnownHTTP
        }
    }

    /// The URL for a query; the address goes along only when one was given and sending is allowed.
    public func url(for query: MailQuery, sendAddress: Bool) -> String {
        let scheme = secure ? "https" : "http"
        let domain = query.domain.ascii
        var url = switch place {
        case .autoconfigHost: "\(scheme)://autoconfig.\(domain)/mail/config-v1.1.xml"
        case .wellKnown: "\(scheme)://\(domain)/.well-known/autoconfig/mail/config-v1.1.xml"
        }
        if sendAddress, let address = query.address {
            url += "?emailaddress=" + HTTPOutcome.queryEncoded(address.ascii)
        }
        return url
    }

    /// Fetches and parses the file.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        if !secure, !context.options.allowPlainHTTP {
            return SourceOutcome(status: .skipped, detail: "plain HTTP is switched off (--no-http)")
        }
        do {
            let request = try HTTPRequest(
                url: url(for: query, sendAddress: context.options.sendAddress),
                timeout: context.remaining
            )
            let response = try await context.http.fetch(request)
            return HTTPOutcome.outcome(forConfig: response, source: id, trusted: secure)
        } catch {
            return HTTPOutcome.outcome(for: error)
        }
    }
}
