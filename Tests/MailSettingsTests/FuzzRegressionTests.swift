import Testing

@testable import MailSettings

/// Inputs the libFuzzer targets in `Fuzz/` found to break an invariant, each kept as bytes and
/// replayed through the same checks (``FuzzChecks``), so that the fix stays fixed. Byte 0 of a
/// session input picks the protocol and goal, as `Fuzz/Sources/FuzzMailSessions` describes.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("an SMTP server that echoes the AUTH PLAIN command does not put the password, in base64, in the transcript")
    func smtpEchoOfAuthPlain() {
        // 0x69: SMTP, credentials with the marker password, the bytes in one piece.
        let input: [UInt8] = [0x69] + Array(
            "220 mx\r\n250-mx\r\n250 AUTH PLAIN\r\n500 5.5.1 unrecognized command AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAEZ6OS1wYXNzLU1BUktFUg==\r\n221\r\n".utf8)
        #expect(FuzzChecks.sessions(input) == [])
    }

    @Test("a password a POP3 server puts in its CAPA list does not reach the result's capabilities")
    func pop3PasswordInCapabilities() {
        // 0x68: POP3, credentials with the marker password, the bytes in one piece. The CAPA list
        // never ends, so the password line is kept as a capability.
        let input: [UInt8] = [0x68] + Array(
            "+OK readh+OK\r\n+OK\r\nSASL PLAIN\r\n.Strin\r\n+ \r\n+OK\r\n PASS Fz9-pass-MARKER\r\n+OK\r\n".utf8)
        #expect(FuzzChecks.sessions(input) == [])
    }

    @Test("a password in an SMTP EHLO keyword or an IMAP capability list is hidden too")
    func passwordInOtherCapabilityLists() {
        // 0x69: SMTP; 0x6A: IMAP; both with the marker password, the bytes in one piece.
        let smtp: [UInt8] = [0x69] + Array("220 mx\r\n250-mx\r\n250 X-ECHO Fz9-pass-MARKER\r\n535 no\r\n221\r\n".utf8)
        #expect(FuzzChecks.sessions(smtp) == [])
        let imap: [UInt8] = [0x6A] + Array(
            "* OK [CAPABILITY IMAP4rev1 LOGINDISABLED X=Fz9-pass-MARKER] hi\r\na1 OK\r\n".utf8)
        #expect(FuzzChecks.sessions(imap) == [])
    }

    @Test("a password echoed with a combining mark right after it is still hidden")
    func passwordFollowedByACombiningMark() {
        // 0x68: POP3, credentials with the marker password, the bytes in one piece. U+0301 (CC 81)
        // joins the password's last letter into one Character, which hid it from String.contains.
        let input: [UInt8] = [0x68] + Array("+OK\r\n-ERR\r\n+OK\r\n-ERR bad PASS Fz9-pass-MARKER".utf8)
            + [0xCC, 0x81] + Array("\r\n+OK\r\n".utf8)
        #expect(FuzzChecks.sessions(input) == [])
    }
}
