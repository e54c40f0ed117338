/// A reason behind a candidate's score, written for people in each supported language.
enum RankingReason: Hashable {
    case foundBy(count: Int, sources: [SourceID])
    /// Every source that offered it is untrusted; by what kind of source.
    case untrusted(Set<UntrustedKind>)
    case unconfirmed(Provider.Confidence)
    case security(ConnectionSecurity)
    case preferred(MailProtocol)
    case position(Int)
    /// The user name is the best source's; other sources give these instead.
    case usernameAlternatives(from: SourceID, alternatives: [String])

    func text(in language: Language) -> String {
        switch (self, language) {
        case let (.foundBy(count, sources), .english):
            "found by \(count) source\(count == 1 ? "" : "s"): \(sources.map(\.rawValue).joined(separator: ", "))"
        case let (.foundBy(count, sources), .spanish):
            "encontrado por \(count) fuente\(count == 1 ? "" : "s"): \(sources.map(\.rawValue).joined(separator: ", "))"
        case let (.untrusted(kinds), .english):
            switch kinds {
            case [.plainHTTP]: "plain-HTTP source: not trusted"
            case [.unsignedDNS]: "unsigned DNS answer: not trusted"
            case [.plainHTTP, .unsignedDNS]: "plain-HTTP sources and unsigned DNS answers: not trusted"
            default: "only from sources that are not trusted (plain HTTP or unsigned DNS)"
            }
        case let (.untrusted(kinds), .spanish):
            switch kinds {
            case [.plainHTTP]: "fuente por HTTP sin cifrar: no es de fiar"
            case [.unsignedDNS]: "respuesta DNS sin firmar: no es de fiar"
            case [.plainHTTP, .unsignedDNS]: "fuentes por HTTP sin cifrar y respuestas DNS sin firmar: no son de fiar"
            default: "solo de fuentes que no son de fiar (HTTP sin cifrar o DNS sin firmar)"
            }
        case let (.unconfirmed(confidence), .english):
            "the source rates it \(confidence == .low ? "uncertain" : "probable, not confirmed")"
        case let (.unconfirmed(confidence), .spanish):
            "la fuente lo califica de \(confidence == .low ? "dudoso" : "probable, sin confirmar")"
        case (.security(.tls), .english):
            "implicit TLS, preferred over STARTTLS (RFC 8314)"
        case (.security(.tls), .spanish):
            "TLS implícito, preferido a STARTTLS (RFC 8314)"
        case (.security(.starttls), .english):
            "STARTTLS: encrypted once the session starts"
        case (.security(.starttls), .spanish):
            "STARTTLS: se cifra al empezar la sesión"
        case (.security(.plain), .english):
            "no encryption: the password crosses the network readable"
        case (.security(.plain), .spanish):
            "sin cifrado: la contraseña viaja legible por la red"
        case let (.preferred(proto), .english):
            "\(proto.displayName) preferred, as asked"
        case let (.preferred(proto), .spanish):
            "\(proto.displayName) preferido, como se pidió"
        case let (.position(position), .english):
            "choice \(position + 1) in the source's own order"
        case let (.position(position), .spanish):
            "opción \(position + 1) en el orden de la propia fuente"
        case let (.usernameAlternatives(source, alternatives), .english):
            "user name as \(source) gives it; other sources give \(alternatives.joined(separator: ", "))"
        case let (.usernameAlternatives(source, alternatives), .spanish):
            "nombre de usuario tal como lo da \(source); otras fuentes dan \(alternatives.joined(separator: ", "))"
        }
    }
}

/// Why an untrusted source is untrusted, for the reason's wording.
enum UntrustedKind: Hashable {
    /// Autoconfig or `.well-known` over plain HTTP: anyone on the path can change the answer.
    case plainHTTP
    /// SRV or MX answers without DNSSEC validation.
    case unsignedDNS
    /// Any other source reported as untrusted.
    case other

    init(_ source: SourceID) {
        switch source {
        case .autoconfigHTTP, .wellKnownHTTP: self = .plainHTTP
        case .srv, .mx: self = .unsignedDNS
        default: self = .other
        }
    }
}
