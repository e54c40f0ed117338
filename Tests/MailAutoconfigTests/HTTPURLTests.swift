import Testing

@testable import MailAutoconfig

@Suite("HTTP URLs, requests and errors")
struct HTTPURLTests {
    @Test func parsesAnHTTPSURL() throws {
        let url = try HTTPURL("HTTPS://AutoConfig.Example.TEST./mail/config-v1.1.xml?emailaddress=a%40example.test#top")
        #expect(url.scheme == "https")
        #expect(url.host == "autoconfig.example.test")
        #expect(url.port == 443)
        #expect(url.pathAndQuery == "/mail/config-v1.1.xml?emailaddress=a%40example.test")
        #expect(url.hostHeader == "autoconfig.example.test")
        #expect(url.description == "https://autoconfig.example.test/mail/config-v1.1.xml?emailaddress=a%40example.test")
    }

    @Test func parsesPortsIPv6AndEmptyPaths() throws {
        let http = try HTTPURL("http://example.test:8080")
        #expect(http.port == 8080)
        #expect(http.pathAndQuery == "/")
        #expect(http.hostHeader == "example.test:8080")

        let v6 = try HTTPURL("https://[::1]:8443/x?y")
        #expect(v6.host == "::1")
        #expect(v6.port == 8443)
        #expect(v6.hostHeader == "[::1]:8443")
        #expect(v6.pathAndQuery == "/x?y")

        #expect(try HTTPURL("https://example.test?q=1").pathAndQuery == "/?q=1")
        #expect(try HTTPURL("https://example.test/a/./b/../c").pathAndQuery == "/a/c")
    }

    @Test(arguments: [
        "", "example.test/path", "ftp://example.test/", "file:///etc/passwd", "https://", "https://user@example.test/",
        "https://user:pw@example.test/", "https://exa mple.test/", "https://example.test:0/", "https://example.test:65536/",
        "https://example.test:44a/", "https://[::1/", "https://[not-v6]/", "https://example.test/ä", "https://example.test/a\nb",
        "https://exa\"mple.test/", "https://*/", "javascript:alert(1)",
    ])
    func refusesWhatItCannotFetch(_ text: String) {
        #expect(throws: HTTPFetchError.self) { try HTTPURL(text) }
        do {
            _ = try HTTPURL(text)
        } catch {
            #expect(error.code == .invalidURL)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func resolvesLocationsLikeRFC3986() throws {
        let base = try HTTPURL("https://autoconfig.example.test/mail/sub/config.xml?q=1")
        #expect(try base.resolving("https://other.test/x").description == "https://other.test/x")
        #expect(try base.resolving("//other.test/y").description == "https://other.test/y")
        #expect(try base.resolving("/root.xml").description == "https://autoconfig.example.test/root.xml")
        #expect(try base.resolving("next.xml").description == "https://autoconfig.example.test/mail/sub/next.xml")
        #expect(try base.resolving("../up.xml?z=2").description == "https://autoconfig.example.test/mail/up.xml?z=2")
        #expect(try base.resolving("?other").description == "https://autoconfig.example.test/mail/sub/config.xml?other")
        #expect(try base.resolving("/../../x").description == "https://autoconfig.example.test/x")
        #expect(try base.resolving("http://example.test/").isHTTPS == false)
        #expect(throws: HTTPFetchError.self) { try base.resolving("ftp://example.test/") }
        #expect(throws: HTTPFetchError.self) { try base.resolving("") }
        #expect(throws: HTTPFetchError.self) { try base.resolving("/a b") }
    }

    @Test func contentTypesIgnoreParametersAndCase() throws {
        let request = try HTTPRequest(url: "https://example.test/")
        #expect(request.accepts(contentType: "text/xml"))
        #expect(request.accepts(contentType: "application/xml; charset=utf-8"))
        #expect(request.accepts(contentType: "Application/XML;charset=\"UTF-8\""))
        #expect(!request.accepts(contentType: "text/html"))
        #expect(!request.accepts(contentType: "application/xhtml+xml"))
        #expect(!request.accepts(contentType: nil))
        #expect(!request.accepts(contentType: ""))

        var any = request
        any.acceptedContentTypes = nil
        #expect(any.accepts(contentType: nil))
        #expect(any.accepts(contentType: "text/html"))
    }

    @Test func requestDefaults() throws {
        let request = try HTTPRequest(url: "https://example.test/")
        #expect(request.method == .get)
        #expect(request.maximumBodyBytes == 1_048_576)
        #expect(request.maximumRedirects == 5)
        #expect(request.acceptedContentTypes == ["text/xml", "application/xml"])
    }

    @Test func errorsAreOneLineWithTheURL() throws {
        let url = try HTTPURL("https://autoconfig.example.test/mail/config-v1.1.xml")
        let mismatch = HTTPFetchError.hostnameMismatch(url, certificateNames: ["other.test"])
        #expect(mismatch.description == "https://autoconfig.example.test/mail/config-v1.1.xml: certificate is for other.test, not autoconfig.example.test")
        #expect(mismatch.code == .hostnameMismatch)
        #expect(mismatch.code.description == "hostnameMismatch")

        let status = HTTPFetchError.unexpectedStatus(url, status: 404, reasonPhrase: "Not Found")
        #expect(status.statusCode == 404)
        #expect(status.description.hasSuffix("server answered 404 Not Found"))

        let type = HTTPFetchError.wrongContentType(url, found: "text/html", accepted: ["text/xml", "application/xml"])
        #expect(type.contentType == "text/html")
        #expect(HTTPFetchError.timedOut(url, after: .milliseconds(1500)).description.contains("1.5 s"))
        #expect(HTTPFetchError.timedOut(url, after: .seconds(2)).description.contains("2 s"))
        for error in [mismatch, status, type, .certificateUntrusted(url), .bodyTooLarge(url, limit: 10), .redirectToHTTP(url, location: "http://x/")] {
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func refusesTrustRootsThatAreNotPEM() {
        #expect {
            try NIOHTTPClient(additionalTrustRootsPEM: ["not a certificate"])
        } throws: { error in
            (error as? HTTPFetchError)?.code == .invalidTrustRoots
        }
    }
}
