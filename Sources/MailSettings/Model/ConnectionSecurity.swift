/// How a connection to a mail server is protected.
public enum ConnectionSecurity: String, Sendable, Hashable, Codable, CaseIterable {
    /// Implicit TLS from the first byte ("SSL/TLS": ports 995, 993, 465). Preferred by RFC 8314.
    case tls
    /// A plain connection upgraded with STARTTLS/STLS (ports 110, 143, 587).
    case starttls
    /// No encryption: the password crosses the network readable.
    case plain

    /// The name mail programs show: "SSL/TLS", "STARTTLS", "none".
    public var displayName: String {
        switch self {
        case .tls: "SSL/TLS"
        case .starttls: "STARTTLS"
        case .plain: "none"
        }
    }
}
