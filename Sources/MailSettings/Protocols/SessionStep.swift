/// What a ``MailSession`` wants the connection to do next.
///
/// The code that owns the socket runs a loop: read bytes, split them with a ``LineFramer``,
/// give each line to the session, and do what the step says.
public enum SessionStep: Sendable, Hashable {
    /// Write this line to the server; the caller adds the CRLF. Then wait for the server: the
    /// next step comes from ``MailSession/receive(_:)``.
    case send(String)
    /// Wait for the next line from the server and hand it to ``MailSession/receive(_:)``.
    case read
    /// Start the TLS handshake on this connection now, then call
    /// ``MailSession/tlsEstablished()``. When the handshake fails, close the connection and
    /// report that failure yourself: the session knows nothing about certificates.
    case startTLS
    /// The conversation is over: close the connection. The result is also in
    /// ``MailSession/result``.
    case close(SessionResult)
}
