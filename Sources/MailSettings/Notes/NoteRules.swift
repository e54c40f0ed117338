/// General advice derived from the ranked candidates rather than written into each provider:
/// port 25, unencrypted ports, SSL/TLS versus STARTTLS, OAuth-only servers, untrusted or
/// uncertain sources, POP3 keeping mail on the server.
public enum NoteRules {
    /// Ports where an unencrypted connection is a classic mistake.
    static let classicPlainPorts: Set<Int> = [110, 143, 25, 587]

    /// The notes the candidates call for, in a stable order.
    ///
    /// - Parameters:
    ///   - incoming: ranked POP3/IMAP candidates.
    ///   - outgoing: ranked SMTP candidates.
    ///   - provider: the provider's name for the texts, when known.
    ///   - domain: the mail domain, for the texts.
    ///   - confidence: the confidence of the best candidate's best source.
    ///   - preferred: the incoming protocol the person asked for.
    public static func notes(
        incoming: [Candidate],
        outgoing: [Candidate],
        provider: String?,
        domain: String,
        confidence: Provider.Confidence?,
        preferred: MailProtocol = .pop3
    ) -> [NoteRequest] {
        var notes: [NoteRequest] = []
        let all = incoming + outgoing
        let values = ["provider": provider ?? "", "domain": domain]
        func with(_ extra: [String: String]) -> [String: String] { values.merging(extra) { $1 } }

        let best = [incoming.first, outgoing.first].compactMap { $0 }
        if best.contains(where: { $0.settings.isOAuthOnly }) {
            notes.append(NoteRequest(id: "oauth-only", values: values))
        }
        if best.contains(where: { !$0.trusted }) {
            notes.append(NoteRequest(id: "untrusted-source", values: values))
        }
        if confidence == .low {
            notes.append(NoteRequest(id: "unverified-settings", values: values))
        }
        if let plain = all.first(where: { $0.settings.security == .plain }) {
            notes.append(NoteRequest(id: "insecure-port", values: with([
                "host": plain.settings.hostname, "port": String(plain.settings.port),
            ])))
        }
        if let port25 = outgoing.first(where: { $0.settings.port == 25 }) {
            notes.append(NoteRequest(id: "port-25-blocked", values: with(["host": port25.settings.hostname])))
        }
        let securities = Set(all.map(\.settings.security))
        if securities.contains(.tls), securities.contains(.starttls) {
            notes.append(NoteRequest(id: "tls-vs-starttls", values: values))
        }
        if preferred == .pop3, !incoming.isEmpty, !incoming.contains(where: { $0.settings.protocol == .pop3 }) {
            notes.append(NoteRequest(id: "no-pop", values: values))
        }
        if let first = incoming.first, first.settings.protocol == .pop3 {
            notes.append(NoteRequest(id: "pop-leave-copy", values: values))
        }
        return notes
    }
}
