/// One conversation with a mail server, as a value that is fed with lines and says what to do
/// next; it never touches a socket.
///
/// ```swift
/// var session = POP3Session(goal: SessionGoal(startTLS: true))
/// var step = session.start()
/// while true {
///     switch step {
///     case .read: step = session.receive(try await nextLine())
///     case .send(let line): try await write(line + "\r\n"); step = .read
///     case .startTLS: try await handshake(); step = session.tlsEstablished()
///     case .close(let result): return result
///     }
/// }
/// ```
///
/// When the connection ends, call ``connectionClosed()``; when the ``LineFramer`` throws, give
/// the session the error's ``ProtocolError/completeLines`` first, then call ``lineTooLong()``.
/// After `.send`, always read: every command the sessions send has a reply.
///
/// Once a failure is recorded, the sessions still end politely (`QUIT`, `LOGOUT`) when the
/// server can understand it, and close at once when it cannot (a wrong greeting, an over-long
/// line, a server that says `* BYE`). A session sends nothing after `.close`: further calls
/// return `.close` again. A server that sends more than 1,000 lines in one conversation ends
/// it with ``SessionFailure/Kind/unexpectedReply`` and that line as the reply.
public protocol MailSession: Sendable {
    /// What has been learnt so far; complete once a `.close` step was returned.
    var result: SessionResult { get }
    /// Begins the conversation: servers speak first, so this returns `.read`.
    mutating func start() -> SessionStep
    /// Takes one line from the server, without its line end.
    mutating func receive(_ line: String) -> SessionStep
    /// Tells the session that the TLS handshake asked for by `.startTLS` succeeded. At any other
    /// time it changes nothing and returns `.read` (or `.close` once the conversation is over).
    mutating func tlsEstablished() -> SessionStep
    /// Tells the session that the server closed the connection. Returns `.close`; the failure is
    /// ``SessionFailure/Kind/closedEarly`` unless the conversation was already over.
    mutating func connectionClosed() -> SessionStep
    /// Tells the session that the server sent an over-long line. Returns `.close` with the
    /// failure ``SessionFailure/Kind/lineTooLong`` (unless the conversation was already over):
    /// the session does not try to go on.
    mutating func lineTooLong() -> SessionStep
}
