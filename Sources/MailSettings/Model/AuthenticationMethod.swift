/// A way to prove who you are to a mail server, named as in Mozilla autoconfig.
///
/// A struct rather than an enum so that new methods can be added without breaking the API.
public struct AuthenticationMethod: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The autoconfig name, such as `password-cleartext` or `OAuth2`.
    public let rawValue: String

    /// Creates a method from its autoconfig name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The password is sent as typed (protected by TLS when the connection uses it).
    public static let passwordCleartext = AuthenticationMethod(rawValue: "password-cleartext")
    /// A challenge-response method (CRAM-MD5, DIGEST-MD5) that never sends the password itself.
    public static let passwordEncrypted = AuthenticationMethod(rawValue: "password-encrypted")
    /// OAuth2 sign-in in a browser window; no password is typed into the mail program.
    public static let oauth2 = AuthenticationMethod(rawValue: "OAuth2")
    /// Windows NTLM.
    public static let ntlm = AuthenticationMethod(rawValue: "NTLM")
    /// Kerberos through GSSAPI.
    public static let gssapi = AuthenticationMethod(rawValue: "GSSAPI")
    /// The server recognises the client by its network address.
    public static let clientIPAddress = AuthenticationMethod(rawValue: "client-IP-address")
    /// A TLS client certificate.
    public static let tlsClientCertificate = AuthenticationMethod(rawValue: "TLS-client-cert")
    /// No authentication at all.
    public static let none = AuthenticationMethod(rawValue: "none")

    /// Every method the package knows, in a stable order.
    public static let known: [AuthenticationMethod] = [
        .passwordCleartext, .passwordEncrypted, .oauth2, .ntlm, .gssapi,
        .clientIPAddress, .tlsClientCertificate, .none,
    ]

    /// The raw value, as written in files and JSON.
    public var description: String { rawValue }

    /// Decodes the value from its JSON form.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the value in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
