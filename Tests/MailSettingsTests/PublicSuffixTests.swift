import Foundation
import Testing

@testable import MailSettings

/// ``PublicSuffixList`` against the Public Suffix List project's own test vectors
/// (`tests/test_psl.txt`, `checkPublicSuffix(input, registeredDomain)`), mail hosts, and the
/// embedded file's freshness and generator (`Scripts/generate-public-suffixes.py`).
@Suite("Public suffix list")
struct PublicSuffixTests {
    /// `checkPublicSuffix` cases: input and registered domain (nil when the input is a
    /// public suffix). Leading-dot inputs are left out: ``DomainName`` refuses them.
    static let vectors: [(String, String?)] = [
        // Mixed case.
        ("COM", nil), ("example.COM", "example.com"), ("WwW.example.COM", "example.com"),
        // Unlisted TLD: the default rule `*`.
        ("example", nil), ("example.example", "example.example"),
        ("b.example.example", "example.example"), ("a.b.example.example", "example.example"),
        // TLD with only one rule.
        ("biz", nil), ("domain.biz", "domain.biz"), ("b.domain.biz", "domain.biz"),
        ("a.b.domain.biz", "domain.biz"),
        // TLD with some two-level rules.
        ("com", nil), ("example.com", "example.com"), ("b.example.com", "example.com"),
        ("a.b.example.com", "example.com"), ("uk.com", nil), ("example.uk.com", "example.uk.com"),
        ("b.example.uk.com", "example.uk.com"), ("a.b.example.uk.com", "example.uk.com"),
        ("test.ac", "test.ac"),
        // TLD with only one (wildcard) rule.
        ("mm", nil), ("c.mm", nil), ("b.c.mm", "b.c.mm"), ("a.b.c.mm", "b.c.mm"),
        // More complex TLD.
        ("jp", nil), ("test.jp", "test.jp"), ("www.test.jp", "test.jp"), ("ac.jp", nil),
        ("test.ac.jp", "test.ac.jp"), ("www.test.ac.jp", "test.ac.jp"), ("kyoto.jp", nil),
        ("test.kyoto.jp", "test.kyoto.jp"), ("ide.kyoto.jp", nil), ("b.ide.kyoto.jp", "b.ide.kyoto.jp"),
        ("a.b.ide.kyoto.jp", "b.ide.kyoto.jp"), ("c.kobe.jp", nil), ("b.c.kobe.jp", "b.c.kobe.jp"),
        ("a.b.c.kobe.jp", "b.c.kobe.jp"), ("city.kobe.jp", "city.kobe.jp"),
        ("www.city.kobe.jp", "city.kobe.jp"),
        // TLD with a wildcard rule and exceptions.
        ("ck", nil), ("test.ck", nil), ("b.test.ck", "b.test.ck"), ("a.b.test.ck", "b.test.ck"),
        ("www.ck", "www.ck"), ("www.www.ck", "www.ck"),
        // US K12.
        ("us", nil), ("test.us", "test.us"), ("www.test.us", "test.us"), ("ak.us", nil),
        ("test.ak.us", "test.ak.us"), ("www.test.ak.us", "test.ak.us"), ("k12.ak.us", nil),
        ("test.k12.ak.us", "test.k12.ak.us"), ("www.test.k12.ak.us", "test.k12.ak.us"),
        // IDN labels.
        ("食狮.com.cn", "食狮.com.cn"), ("食狮.公司.cn", "食狮.公司.cn"), ("www.食狮.公司.cn", "食狮.公司.cn"),
        ("shishi.公司.cn", "shishi.公司.cn"), ("公司.cn", nil), ("食狮.中国", "食狮.中国"),
        ("www.食狮.中国", "食狮.中国"), ("shishi.中国", "shishi.中国"), ("中国", nil),
        // The same, punycoded.
        ("xn--85x722f.com.cn", "xn--85x722f.com.cn"), ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"), ("xn--55qx5d.cn", nil),
        ("xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"), ("www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"),
        ("shishi.xn--fiqs8s", "shishi.xn--fiqs8s"), ("xn--fiqs8s", nil),
    ]

    @Test("The PSL project's checkPublicSuffix vectors", arguments: vectors)
    func checkPublicSuffix(input: String, expected: String?) throws {
        let expectedASCII = try expected.map { try DomainName($0).ascii }
        if let domain = try? DomainName(input) {
            #expect(PublicSuffixList.registeredDomain(of: domain)?.ascii == expectedASCII, "\(input)")
        } else {
            // A single label is no DomainName (mail needs a full name): check the rules directly.
            #expect(expected == nil)
            let ascii = input.unicodeScalars.allSatisfy(\.isASCII)
                ? input.lowercased() : try DomainName("x." + input).ascii.dropFirst(2).description
            #expect(PublicSuffixList.bundled.registeredDomain(ofASCII: ascii) == nil, "\(input)")
            #expect(PublicSuffixList.bundled.publicSuffix(ofASCII: ascii) == ascii, "\(input)")
        }
    }

    @Test(
        "Public suffixes",
        arguments: [
            ("www.example.co.uk", "co.uk"), ("example.com", "com"), ("a.b.c.kobe.jp", "c.kobe.jp"),
            ("www.city.kobe.jp", "kobe.jp"), ("www.ck", "ck"), ("a.b.test.ck", "test.ck"),
            ("unknown.zzzz-not-a-tld", "zzzz-not-a-tld"), ("user.github.io", "github.io"),
            ("ec2-1-2-3-4.eu-west-1.compute.amazonaws.com", "eu-west-1.compute.amazonaws.com"),
            ("www.食狮.公司.cn", "xn--55qx5d.cn"),
        ])
    func publicSuffix(input: String, expected: String) throws {
        #expect(PublicSuffixList.publicSuffix(of: try DomainName(input)) == expected)
    }

    @Test(
        "MX hosts give their provider's domain",
        arguments: [
            ("alt1.aspmx.l.google.com", "google.com"), ("aspmx.l.google.com", "google.com"),
            ("abc.mail.protection.outlook.com", "outlook.com"),
            ("example-com.mail.protection.outlook.com", "outlook.com"),
            ("mx01.mail.icloud.com", "icloud.com"), ("mx1.mail.ovh.net", "ovh.net"),
            ("mx00.ionos.co.uk", "ionos.co.uk"), ("mail.example.com.au", "example.com.au"),
            ("mx.zoho.eu", "zoho.eu"), ("MX.Example.ORG.", "example.org"),
        ])
    func mxHosts(host: String, expected: String) throws {
        #expect(PublicSuffixList.registeredDomain(of: try DomainName(host))?.ascii == expected)
    }

    @Test(
        "The domains asked about a mail host: the next subdomain below the registered domain, then that",
        arguments: [
            ("mx1.mail.hoster.example", ["mail.hoster.example", "hoster.example"]),
            ("a.b.mail.hoster.example", ["mail.hoster.example", "hoster.example"]),
            ("mx.hoster.example", ["hoster.example"]),
            ("mx1.mail.ovh.net", ["mail.ovh.net", "ovh.net"]),
            ("mx00.ionos.co.uk", ["ionos.co.uk"]),
            ("mx.eu.hoster.co.uk", ["eu.hoster.co.uk", "hoster.co.uk"]),
            ("hoster.example", []),  // a registered domain's only name: nothing above it to ask
            ("co.uk", []),  // a public suffix
            ("mx.bücher.de", ["xn--bcher-kva.de"]),
        ])
    func settingsDomains(host: String, expected: [String]) throws {
        #expect(PublicSuffixList.settingsDomains(forMailHost: try DomainName(host)).map(\.ascii) == expected)
    }

    @Test("A registered domain is returned as it was when the name is one")
    func registeredDomainOfItself() throws {
        let domain = try DomainName("bücher.de")
        let registered = try #require(PublicSuffixList.registeredDomain(of: domain))
        #expect(registered == domain)
        #expect(registered.unicode == "bücher.de")
        #expect(PublicSuffixList.registeredDomain(of: try DomainName("co.uk")) == nil)
        #expect(PublicSuffixList.registeredDomain(of: try DomainName("github.io")) == nil)
    }

    @Test("A parsed list: exceptions prevail, the longest rule wins, wildcards take one label")
    func smallList() {
        let rules = PublicSuffixList.Rules(parsing: "a\nb.a\n*.c.a\n!x.c.a\n*.d\n\nd.e.b.a\n")
        #expect(rules.count == 6)
        #expect(rules.registeredDomain(ofASCII: "q.b.a") == "q.b.a")
        #expect(rules.registeredDomain(ofASCII: "q.y.c.a") == "q.y.c.a")
        #expect(rules.registeredDomain(ofASCII: "y.c.a") == nil)
        #expect(rules.registeredDomain(ofASCII: "q.x.c.a") == "x.c.a")
        #expect(rules.registeredDomain(ofASCII: "x.c.a") == "x.c.a")
        #expect(rules.registeredDomain(ofASCII: "c.a") == "c.a")
        #expect(rules.registeredDomain(ofASCII: "z.d.e.b.a") == "z.d.e.b.a")
        #expect(rules.registeredDomain(ofASCII: "e.b.a") == "e.b.a")
        #expect(rules.publicSuffix(ofASCII: "q.r.d") == "r.d")
        #expect(rules.publicSuffix(ofASCII: "q.r.zz") == "zz")
        #expect(rules.registeredDomain(ofASCII: "zz") == nil)
    }

    @Test("The embedded rules parse, and every punycode rule agrees with DomainName's IDNA")
    func embeddedRules() throws {
        let rules = PublicSuffixList.bundled
        #expect(rules.count > 9_000)
        #expect(rules.exceptions.contains("city.kobe.jp"))
        #expect(rules.wildcards.contains("ck"))
        #expect(rules.normal.contains("co.uk"))
        var idn = 0
        for rule in EmbeddedPublicSuffixes.rules.split(separator: "\n") where rule.contains("xn--") {
            let name = "x." + rule.drop { $0 == "!" || $0 == "*" || $0 == "." }
            let unicode = try DomainName(name).unicode
            #expect(try DomainName(unicode).ascii == name, "\(rule) as \(unicode)")
            idn += 1
        }
        #expect(idn > 100)
    }

    @Test("every embedded rule is read: normal, wildcard and exception rules all count")
    func everyRuleRead() {
        let count = PublicSuffixList.Rules(parsing: EmbeddedPublicSuffixes.rules).count
        let lines = EmbeddedPublicSuffixes.rules.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("//") }.count
        #expect(count > 9_000)
        #expect(count == lines, "\(count) rules read from \(lines) lines")
    }

    // MARK: - The generator

    static let debianList = "/usr/share/publicsuffix/public_suffix_list.dat"

    @Test(
        "The generated EmbeddedPublicSuffixes.swift matches Debian's list",
        .enabled(
            if: FileManager.default.fileExists(atPath: PublicSuffixTests.debianList)
                || ProcessInfo.processInfo.environment["AUTOCONF_REQUIRE_WORLD"] == "1",
            "\(PublicSuffixTests.debianList) is absent (Debian package publicsuffix)"
        )
    )
    func generatedFileIsNotStale() throws {
        let run = try Self.generator(["--check"])
        #expect(run.status == 0, "\(run.output)")
    }

    @Test("The generator keeps both sections, punycodes, sorts, and --check spots a stale file")
    func generatorOnFixture() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("psl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("list.dat")
        let output = folder.appendingPathComponent("Out.swift")
        try """
            // VERSION: 2099-01-01_00-00-00_UTC
            // COMMIT: 0123456789abcdef
            // ===BEGIN ICANN DOMAINS===
            zz
            *.wild.zz
            !ok.wild.zz
            公司.zz
            // ===END ICANN DOMAINS===
            // ===BEGIN PRIVATE DOMAINS===
            hosted.zz  trailing words are ignored
            // ===END PRIVATE DOMAINS===

            """.write(to: source, atomically: true, encoding: .utf8)
        let arguments = ["--source", source.path, "--output", output.path]

        let write = try Self.generator(arguments)
        #expect(write.status == 0, "\(write.output)")
        let swift = try String(contentsOf: output, encoding: .utf8)
        #expect(swift.contains("// List version: 2099-01-01_00-00-00_UTC\n// List commit: 0123456789abcdef\n"))
        #expect(swift.contains("#\"\"\"\n!ok.wild.zz\n*.wild.zz\nhosted.zz\nxn--55qx5d.zz\nzz\n\"\"\"#\n"))
        #expect(try Self.generator(arguments + ["--check"]).status == 0)

        try (swift + "// edited\n").write(to: output, atomically: true, encoding: .utf8)
        let stale = try Self.generator(arguments + ["--check"])
        #expect(stale.status == 1)
        #expect(stale.output.contains("stale: run Scripts/generate-public-suffixes.py"))

        try "zz\n".write(to: source, atomically: true, encoding: .utf8)
        let outside = try Self.generator(arguments)
        #expect(outside.status == 2, "a rule outside the sections is refused: \(outside.output)")
    }

    /// Runs `Scripts/generate-public-suffixes.py` from the repository root.
    static func generator(_ arguments: [String]) throws -> ProviderDataTests.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "Scripts/generate-public-suffixes.py"] + arguments
        process.currentDirectoryURL = ProviderDataTests.repositoryRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProviderDataTests.Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
