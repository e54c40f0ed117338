/// A reason behind a candidate's score, written for people in each supported language.
enum RankingReason: Hashable {
    case foundBy(count: Int, sources: [SourceID])
    case untrusted
    case unconfirmed(Provider.Confidence)
    case security(ConnectionSecurity)
    case preferred(MailProtocol)
    case position(Int)

    func text(in language: Language) -> String {
        switch (self, language) {
        case let (.foundBy(count, sources), .english):
            "found by \(count) source\(count == 1 ? "" : "s"): \(sources.map(\.rawValue).joined(separator: ", "))"
        case let (.foundBy(count, sources), .spanish):
            "encontrado por \(count) fuente\(count == 1 ? "" : "s"): \(sources.map(\.rawValue).joined(separator: ", "))"
        case (.untrusted, .english):
            "only from sources that are not trusted (plain HTTP or unsigned DNS)"
        case (.untrusted, .spanish):
            "solo de fuentes no fiables (HTTP sin cifrar o DNS sin firmar)"
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
        }
    }
}
