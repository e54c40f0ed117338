import MailSettings

/// Exchange Autodiscover (the Outlook "POX" protocol): a POST of the address to
/// `https://autodiscover.<domain>/autodiscover/autodiscover.xml`, then to
/// `https://<domain>/autodiscover/autodiscover.xml`, following `redirectAddr` and `redirectUrl`
/// answers at most ``maximumRedirects`` times (HTTPS only).
public struct AutodiscoverSource: SettingsSource {
    /// How many Autodiscover redirects are followed.
    public static let maximumRedirects = 10

    /// Always `autodiscover`.
    public var id: SourceID { .autodiscover }

    /// Creates the source.
    public init() {}

    /// The two standard URLs for a domain, in the order they are tried.
    public static func urls(for domain: DomainName) -> [String] {
        [
            "https://autodiscover.\(domain.ascii)/autodiscover/autodiscover.xml",
            "https://\(domain.ascii)/autodiscover/autodiscover.xml",
        ]
    }

    /// Posts the address and follows redirects.
    public func lookUp(_ query: MailQuery, in context: SourceContext) async -> SourceOutcome {
        guard let original = query.address else {
            return SourceOutcome(status: .skipped, detail: "Autodiscover needs a full address, not only a domain")
        }
        guard context.options.sendAddress else {
            return SourceOutcome(status: .skipped, detail: "sending the address is switched off (--no-send-address)")
        }
        var address = original
        var urls = Self.urls(for: address.domain)
        var notes: [NoteRequest] = []
        var lastProblem: SourceOutcome?
        var redirects = 0
        while !urls.isEmpty {
            let url = urls.removeFirst()
            let response: HTTPResponse
            do {
                let request = try HTTPRequest(
                    url: url,
                    method: .post,
                    headers: [HTTPHeader("Content-Type", "text/xml; charset=utf-8")],
                    body: Array(AutodiscoverRequest.body(for: address).utf8),
                    timeout: context.remaining
                )
                response = try await context.http.fetch(request)
            } catch {
                // A failure (time-out, certificate…) outweighs "nothing there" from another URL,
                // and once the time is up the other URLs cannot be asked fairly.
                let outcome = HTTPOutcome.outcome(for: error)
                if lastProblem?.status != .failed || outcome.status == .failed { lastProblem = outcome }
                if error.code == .timedOut || context.deadline <= ContinuousClock.now { break }
                continue
            }
            let parsed: AutodiscoverResponse
            do {
                parsed = try AutodiscoverResponse(bytes: response.body)
            } catch {
                lastProblem = SourceOutcome(status: .failed, detail: "\(response.finalURL): \(error.description)")
                continue
            }
            switch parsed.action {
            case .settings(let servers):
                guard !servers.isEmpty else {
                    lastProblem = SourceOutcome(status: .empty, detail: "\(response.finalURL): no POP3, IMAP or SMTP server")
                    continue
                }
                let finding = SourceFinding(source: id, trusted: true, confidence: .high, servers: servers, notes: notes)
                return SourceOutcome(status: .found, detail: "\(response.finalURL): \(servers.count) servers", finding: finding)
            case .error(let code, let message):
                lastProblem = SourceOutcome(status: .empty, detail: "\(response.finalURL): error \(code) \(message)")
            case .redirectAddress(let target), .redirectURL(let target):
                redirects += 1
                guard redirects <= Self.maximumRedirects else {
                    return SourceOutcome(status: .failed, detail: "more than \(Self.maximumRedirects) Autodiscover redirects")
                }
                guard let next = redirect(parsed.action, target: target, address: &address) else {
                    return SourceOutcome(status: .failed, detail: "\(response.finalURL): unusable redirect to \(target)")
                }
                let host = (try? HTTPURL(next.first ?? "").host) ?? target
                if !Self.host(host, isWithin: original.domain) {
                    notes.append(NoteRequest(id: "autodiscover-redirect", values: [
                        "domain": original.domain.unicode, "host": host,
                    ]))
                }
                urls = next
            }
        }
        return lastProblem ?? SourceOutcome(status: .empty, detail: "no Autodiscover answer")
    }

    /// The URLs to try after a redirect, updating the address for `redirectAddr`; nil when unusable.
    private func redirect(_ action: AutodiscoverResponse.Action, target: String, address: inout EmailAddress) -> [String]? {
        switch action {
        case .redirectAddress:
            guard let next = try? EmailAddress(target) else { return nil }
            address = next
            return Self.urls(for: next.domain)
        case .redirectURL:
            guard let url = try? HTTPURL(target), url.isHTTPS else { return nil }  // never to plain HTTP
            return [url.description]
        default:
            return nil
        }
    }

    /// Whether `host` is the domain or one of its subdomains.
    static func host(_ host: String, isWithin domain: DomainName) -> Bool {
        let host = host.lowercased()
        return host == domain.ascii || host.hasSuffix("." + domain.ascii)
    }
}
