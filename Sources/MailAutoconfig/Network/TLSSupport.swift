import Logging
import NIOCore
import NIOSSL

/// What the HTTP client and the prober share about TLS: one way to build a client context with
/// extra trust roots (`--cacert`), and one reading of why a handshake failed.
enum TLSSupport {
    /// Why a TLS handshake failed, as people need to hear it.
    enum Failure: Sendable, Hashable {
        /// The certificate is valid but names other hosts (its DNS names, when known).
        case hostnameMismatch(certificateNames: [String])
        /// The certificate does not chain to a trusted root (unknown or self-signed CA, expired).
        case untrusted
        /// The other side did not speak TLS: it answered a ClientHello with plain text.
        case notTLS
        /// Any other handshake failure, with BoringSSL's short reason (`HANDSHAKE_FAILURE_ON_CLIENT_HELLO`).
        case handshake(reason: String)
    }

    /// How long a closing connection waits for the server's own `close_notify`: not at all.
    ///
    /// When the client closes, it has the whole answer or has given up (a body over the cap, a
    /// deadline, an error); nothing the server says after that is used. swift-nio-ssl's default
    /// (5 s) kept the connection open that long after the call returned, and the client reading
    /// and decrypting whatever the server went on sending: a server streaming an endless body or
    /// greeting never sends `close_notify`, and in the hostile-server tests got over a GiB read
    /// that way on loopback (a probe even waited past its own deadline and reported a time-out
    /// instead of the over-long line).
    static let closeNotifyWait = TimeAmount.zero

    /// A client context that verifies certificates fully against the system's roots and
    /// `additionalTrustRootsPEM`; only the extra roots when the system has none. Closing does
    /// not wait for the server's `close_notify` (``closeNotifyWait``).
    ///
    /// - Throws: ``HTTPFetchError`` with ``HTTPFetchError/Code/invalidTrustRoots`` when a string
    ///   holds no PEM certificate or a malformed one.
    static func clientContext(additionalTrustRootsPEM: [String], logger: Logger) throws(HTTPFetchError) -> NIOSSLContext {
        var roots: [NIOSSLCertificate] = []
        for (index, pem) in additionalTrustRootsPEM.enumerated() {
            let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            guard let certificates, !certificates.isEmpty else {
                throw HTTPFetchError(
                    .invalidTrustRoots, url: "",
                    reason: "extra trust root \(index + 1) is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)")
            }
            roots.append(contentsOf: certificates)
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .default
        configuration.certificateVerification = .fullVerification
        configuration.shutdownTimeout = closeNotifyWait
        if !roots.isEmpty {
            configuration.additionalTrustRoots = [.certificates(roots)]
        }
        if let context = try? NIOSSLContext(configuration: configuration) {
            return context
        }
        // No system trust store (a minimal system without ca-certificates): trust only the
        // extra roots, which is never more than asked for.
        logger.warning("no system trust roots found; only the extra roots are trusted (install ca-certificates)")
        configuration.trustRoots = .certificates(roots)
        configuration.additionalTrustRoots = []
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw HTTPFetchError(.invalidTrustRoots, url: "", reason: "could not set up TLS with these trust roots: \(error)")
        }
    }

    /// Reads a TLS error; nil when `error` is not one. `peerCertificate` is the certificate the
    /// server showed, when the handler still has it.
    static func classify(_ error: any Error, peerCertificate: NIOSSLCertificate?) -> Failure? {
        switch error {
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            return .hostnameMismatch(certificateNames: peerCertificate.map(dnsNames(of:)) ?? [])
        case let error as NIOSSLError:
            guard case .handshakeFailed(let reason) = error else { return .handshake(reason: "\(error)") }
            let text = "\(reason)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") { return .untrusted }
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") || text.contains("PACKET_LENGTH_TOO_LONG") {
                return .notTLS
            }
            return .handshake(reason: shortReason(text))
        case is NIOSSLExtraError:
            return .handshake(reason: "\(error)")
        default:
            return nil
        }
    }

    /// The DNS names of a certificate's subject alternative names.
    static func dnsNames(of certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().compactMap { name in
            guard name.nameType == .dnsName else { return nil }
            return String(decoding: Array(name.contents), as: UTF8.self)
        }
    }

    /// BoringSSL's reason without its file and line noise: `WRONG_VERSION_NUMBER` and the like.
    static func shortReason(_ text: String) -> String {
        let reasons = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
            .filter { $0.count > 3 && $0.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } && $0.contains("_") }
        if let reason = reasons.last { return String(reason) }
        return text
    }
}
