import Testing
@testable import MailSettings

@Suite("Autodiscover POX")
struct AutodiscoverTests {
    static func response(_ account: String) -> [UInt8] {
        Array("""
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
          <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
            \(account)
          </Response>
        </Autodiscover>
        """.utf8)
    }

    @Test("settings: POP3, IMAP and SMTP servers with their security; Exchange protocols counted apart")
    func settings() throws {
        let parsed = try AutodiscoverResponse(bytes: Self.response("""
            <Account>
              <AccountType>email</AccountType>
              <Action>settings</Action>
              <Protocol><Type>EXCH</Type><Server>ex.example.test</Server></Protocol>
              <Protocol><Type>POP3</Type><Server>POP.Example.Test</Server><Port>995</Port><LoginName>alice</LoginName><SSL>on</SSL></Protocol>
              <Protocol><Type>IMAP</Type><Server>imap.example.test</Server><Port>143</Port><Encryption>TLS</Encryption></Protocol>
              <Protocol><Type>SMTP</Type><Server>smtp.example.test</Server><Port>587</Port><SSL>on</SSL><SPA>on</SPA></Protocol>
              <Protocol><Type>SMTP</Type><Server>smtp.example.test</Server><Port>25</Port><SSL>off</SSL></Protocol>
            </Account>
            """))
        guard case .settings(let servers) = parsed.action else {
            Issue.record("expected settings, got \(parsed.action)")
            return
        }
        #expect(servers.map(\.protocol) == [.pop3, .imap, .smtp, .smtp])
        #expect(servers[0].hostname == "pop.example.test")
        #expect(servers[0].security == .tls)
        #expect(servers[0].username == "alice")
        #expect(servers[1].security == .starttls)
        #expect(servers[1].username == "%EMAILADDRESS%")
        #expect(servers[2].security == .starttls)
        #expect(servers[2].authentication == [.ntlm])
        #expect(servers[3].security == .plain)
        #expect(parsed.otherProtocols == ["EXCH"])
    }

    @Test("redirects and errors are reported as such")
    func redirects() throws {
        let address = try AutodiscoverResponse(bytes: Self.response(
            "<Account><Action>redirectAddr</Action><RedirectAddr>bob@other.test</RedirectAddr></Account>"))
        #expect(address.action == .redirectAddress("bob@other.test"))
        let url = try AutodiscoverResponse(bytes: Self.response(
            "<Account><Action>redirectUrl</Action><RedirectUrl>https://ad.other.test/autodiscover/autodiscover.xml</RedirectUrl></Account>"))
        #expect(url.action == .redirectURL("https://ad.other.test/autodiscover/autodiscover.xml"))
        let error = try AutodiscoverResponse(bytes: Self.response(
            "<Error><ErrorCode>600</ErrorCode><Message>Invalid Request</Message></Error>"))
        #expect(error.action == .error(code: "600", message: "Invalid Request"))
    }

    @Test("hostile values never become servers: bad host names, ports, control characters in user names")
    func hostile() throws {
        let parsed = try AutodiscoverResponse(bytes: Self.response("""
            <Account><Action>settings</Action>
              <Protocol><Type>POP3</Type><Server>pop.example.test:995</Server><Port>995</Port></Protocol>
              <Protocol><Type>POP3</Type><Server>pop.example.test"; rm -rf /</Server><Port>995</Port></Protocol>
              <Protocol><Type>IMAP</Type><Server>imap.example.test</Server><Port>99999</Port></Protocol>
              <Protocol><Type>IMAP</Type><Server>127.0.0.1</Server><Port>993</Port></Protocol>
              <Protocol><Type>SMTP</Type><Server>smtp.example.test</Server><Port>465</Port><LoginName>a&#10;passwordeval x</LoginName></Protocol>
            </Account>
            """))
        guard case .settings(let servers) = parsed.action else {
            Issue.record("expected settings")
            return
        }
        #expect(servers.map(\.hostname) == ["smtp.example.test"])
        #expect(servers.first?.username == "%EMAILADDRESS%")
        #expect(parsed.skipped.count == 4)
        #expect(parsed.skipped.allSatisfy { $0.hasPrefix("line ") })
    }

    @Test("not Autodiscover, or not XML: a one-line error")
    func notAutodiscover() {
        #expect(throws: AutodiscoverError.self) { try AutodiscoverResponse(bytes: Array("<html><body>hi</body></html>".utf8)) }
        #expect(throws: AutodiscoverError.self) { try AutodiscoverResponse(bytes: Array("not xml".utf8)) }
        #expect(throws: AutodiscoverError.self) {
            try AutodiscoverResponse(bytes: Array("<!DOCTYPE a [<!ENTITY x \"y\">]><Autodiscover/>".utf8))
        }
    }

    @Test("the request escapes the address and asks for the Outlook schema")
    func request() throws {
        let body = AutodiscoverRequest.body(for: try EmailAddress("o'brien@example.test"))
        #expect(body.contains("<EMailAddress>o&apos;brien@example.test</EMailAddress>"))
        #expect(body.contains(AutodiscoverResponse.outlookSchema))
    }
}
