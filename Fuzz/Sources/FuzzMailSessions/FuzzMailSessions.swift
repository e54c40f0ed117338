import FuzzChecks

/// Fuzz target for the POP3, SMTP and IMAP session state machines.
///
/// The first input byte picks the session and its goal: bits 0–1 the protocol (POP3, SMTP,
/// IMAP, IMAP), bit 2 STARTTLS, bits 3–4 the credentials (none, a marker password, a marker
/// password with a line break that must never be sent, a marker user name and password),
/// bits 5–6 the size of the chunks the bytes arrive in (1, 7, 64 or all), and bit 7 a small
/// line limit for the ``LineFramer``. The rest is what the server sends. The target drives the
/// session the way the prober does: the bytes go through a ``LineFramer``, every line to
/// ``MailSession/receive(_:)``, a STARTTLS handshake always succeeds, and when the bytes run
/// out the server closes the connection.
///
/// Checks that the session always either asks for more or ends, within a bounded number of
/// steps; that it sends no line with CR, LF or NUL in it; that once it has ended it stays ended;
/// and that the password — as text, or in the base64 forms the session sends it in — appears
/// nowhere in the transcript, the greeting, the failure, the login outcome or the result's
/// description.
///
/// The invariants live in ``FuzzChecks/sessions(_:)``, which the test suite replays the seed
/// corpus through too; a problem stops the run with its description.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMailSessions(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzChecks.fuzz(FuzzChecks.sessions, start, count)
}
