import Foundation
import Testing

@testable import MailSettings

/// Replays every seed under `Fuzz/Corpus/<target>/` through the entry points its libFuzzer
/// target feeds, with the same invariants, so the ordinary test run guards the corpus without
/// libFuzzer (see `Fuzz/Package.swift` and `Scripts/fuzz.sh`).
@Suite("Fuzz corpus replay")
struct FuzzCorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // MailSettingsTests/
        .deletingLastPathComponent()  // Tests/
        .deletingLastPathComponent()  // the package
        .appendingPathComponent("Fuzz/Corpus")

    /// The seeds of one target, by file name.
    static func seeds(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    static func replay(_ target: String, _ check: ([UInt8]) -> [String]) throws {
        let seeds = try seeds(target)
        #expect(seeds.count >= 10, "the \(target) corpus is missing or nearly empty")
        #expect(seeds.count <= 60, "keep the \(target) corpus small: merge with -merge=1 to drop what adds no coverage")
        for (name, bytes) in seeds {
            let problems = check(bytes)
            #expect(problems.isEmpty, "\(target)/\(name): \(problems.joined(separator: "; "))")
        }
    }

    @Test("XML reader, autoconfig and Autodiscover seeds")
    func xml() throws {
        try Self.replay("FuzzXML", FuzzChecks.xml)
    }

    @Test("DNS message seeds")
    func dns() throws {
        try Self.replay("FuzzDNS", FuzzChecks.dns)
    }

    @Test("POP3, SMTP and IMAP session seeds")
    func sessions() throws {
        try Self.replay("FuzzMailSessions", FuzzChecks.sessions)
    }

    @Test("address, domain and punycode seeds")
    func addresses() throws {
        try Self.replay("FuzzAddress", FuzzChecks.address)
    }
}

/// The invariants the fuzz targets check with `precondition`, as lists of problems for tests.
/// Keep them in step with `Fuzz/Sources/<target>/<target>.swift`.
enum FuzzChecks {
    // MARK: XML

    static func xml(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { problems.append(problem()) }
        }
        let tight = XMLLimits(
            maximumBytes: 4096, maximumDepth: 4, maximumElements: 40, maximumAttributesPerElement: 3,
            maximumNameLength: 16)
        var root: XMLNode? = nil
        for limits in [XMLLimits(), tight] {
            do {
                let node = try XMLReader.parse(bytes, limits: limits)
                problems += treeProblems(node, within: limits)
                if limits == XMLLimits() { root = node }
            } catch {
                expect(error.line.map { $0 >= 1 } ?? true && error.column.map { $0 >= 1 } ?? true, "error position \(error)")
            }
        }
        if let text = String(validating: bytes, as: UTF8.self), let node = try? XMLReader.parse(text) {
            problems += treeProblems(node, within: XMLLimits())
        }
        let config = ClientConfigParser.parse(bytes)
        if let root {
            expect(ClientConfigParser.parse(root) == config, "the autoconfig document differs from bytes and from the tree")
        } else {
            expect(config.servers.isEmpty && !config.errors.isEmpty, "unreadable XML gave servers or no error")
        }
        for server in config.servers {
            expect((1...65_535).contains(server.port), "autoconfig port \(server.port)")
            expect(usableHostname(server.hostname), "autoconfig host name \(server.hostname.debugDescription)")
        }
        if let response = try? AutodiscoverResponse(bytes: bytes), case .settings(let servers) = response.action {
            for server in servers {
                expect((1...65_535).contains(server.port), "Autodiscover port \(server.port)")
                expect(usableHostname(server.hostname), "Autodiscover host name \(server.hostname.debugDescription)")
                expect((try? DomainName(server.hostname))?.ascii == server.hostname, "Autodiscover host name not normalised")
                expect(
                    !server.username.unicodeScalars.contains { $0 == " " || $0.properties.generalCategory == .control },
                    "Autodiscover user name \(server.username.debugDescription)")
            }
        }
        return problems
    }

    static func treeProblems(_ root: XMLNode, within limits: XMLLimits) -> [String] {
        var problems: [String] = []
        var stack: [(node: XMLNode, depth: Int)] = [(root, 1)]
        var elements = 0
        while let (node, depth) = stack.popLast() {
            elements += 1
            if depth > limits.maximumDepth { problems.append("element deeper than the limit") }
            if elements > limits.maximumElements { problems.append("more elements than the limit") }
            if node.attributes.count > limits.maximumAttributesPerElement { problems.append("too many attributes") }
            if node.name.utf8.count > limits.maximumNameLength { problems.append("element name too long") }
            if node.line < 1 || node.column < 1 { problems.append("element position not 1-based") }
            if Set(node.attributes.map(\.name)).count != node.attributes.count { problems.append("duplicate attribute") }
            stack.append(contentsOf: node.children.map { ($0, depth + 1) })
        }
        return problems
    }

    static func usableHostname(_ hostname: String) -> Bool {
        !hostname.isEmpty
            && !hostname.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "\"" || $0 == "'"
                    || $0 == "/" || $0 == ":" || $0 == "@"
            }
    }

    // MARK: DNS

    static func dns(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        func expect(_ condition: Bool, _ problem: @autoclosure () -> String) {
            if !condition { problems.append(problem()) }
        }
        do {
            let message = try DNSMessage(bytes: bytes)
            expect((try? DNSHeader(bytes: bytes)) == message.header, "header differs")
            let sections: [(Int, UInt16)] = [
                (message.questions.count, message.header.questionCount),
                (message.answers.count, message.header.answerCount),
                (message.authorities.count, message.header.authorityCount),
                (message.additionals.count, message.header.additionalCount),
            ]
            for (entries, counted) in sections {
                expect(message.isTruncated ? entries <= Int(counted) : entries == Int(counted), "\(entries) entries, \(counted) counted")
            }
            let options = message.additionals.filter { if case .opt = $0.data { true } else { false } }
            expect((message.edns != nil) == (options.count == 1), "EDNS without exactly one OPT record")
            var names = message.questions.map(\.name)
            for record in message.answers + message.authorities + message.additionals {
                names.append(record.name)
                switch record.data {
                case .cname(let name), .ns(let name), .mx(_, let name), .srv(_, _, _, let name): names.append(name)
                case .soa(let primary, let mailbox, _, _, _, _, _): names += [primary, mailbox]
                default: break
                }
            }
            for name in names {
                if let problem = wireNameProblem(name) { problems.append(problem) }
                if !name.contains("\\") {
                    if let query = try? DNSQuery(id: 1, name: name, type: .a) {
                        expect(query.question.name == name, "\(name) encodes as \(query.question.name)")
                        problems += roundTripProblems(query)
                    } else {
                        problems.append("decoded name \(name.debugDescription) does not encode")
                    }
                }
            }
        } catch {
            expect(error.offset.map { (0...bytes.count).contains($0) } ?? true, "error offset outside the input: \(error)")
        }
        if let query = try? DNSQuery(id: 0x5A5A, name: String(decoding: bytes.prefix(512), as: UTF8.self), type: .srv) {
            if let problem = wireNameProblem(query.question.name) { problems.append(problem) }
            problems += roundTripProblems(query)
        }
        return problems
    }

    /// The wire length and labels of a name in presentation form, `\DDD` and `\x` escapes read back.
    static func wireNameProblem(_ name: String) -> String? {
        if name == "." { return nil }
        var labels: [Int] = [0]
        var bytes = Array(name.utf8)[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "."): labels.append(0)
            case UInt8(ascii: "\\"):
                if let next = bytes.first, next >= 0x30, next <= 0x39 { bytes = bytes.dropFirst(3) } else { bytes = bytes.dropFirst() }
                labels[labels.count - 1] += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return "upper case in \(name.debugDescription)"
            default: labels[labels.count - 1] += 1
            }
        }
        if labels.contains(where: { !(1...63).contains($0) }) { return "bad label lengths in \(name.debugDescription)" }
        let wire = labels.reduce(1) { $0 + 1 + $1 }
        return wire <= 255 ? nil : "\(name.debugDescription) is \(wire) octets in wire form"
    }

    static func roundTripProblems(_ query: DNSQuery) -> [String] {
        var wire = query.encode()
        guard let decoded = try? DNSMessage(bytes: wire), decoded.questions == [query.question] else {
            return ["an encoded query does not decode to its question: \(query.question)"]
        }
        wire[2] |= 0x80
        guard (try? DNSMessage(bytes: wire))?.isResponse(to: query) == true else {
            return ["an answer is not taken for the response to its query"]
        }
        return []
    }

    // MARK: Sessions

    static let markerPassword = "Fz9-pass-MARKER"

    /// Byte 0 picks the session and goal as in `Fuzz/Sources/FuzzMailSessions`; the rest is the server's bytes.
    static func sessions(_ bytes: [UInt8]) -> [String] {
        guard let mode = bytes.first else { return [] }
        let stream = Array(bytes.dropFirst())
        let credentials: Credentials?
        switch (mode >> 3) & 0x03 {
        case 0: credentials = nil
        case 1: credentials = Credentials(username: "alice@example.com", password: markerPassword)
        case 2: credentials = Credentials(username: "alice@example.com", password: markerPassword + "\r\nNOOP")
        default: credentials = Credentials(username: "fz-user-\u{00E9}", password: markerPassword + "\"\\")
        }
        let goal = SessionGoal(startTLS: mode & 0x04 != 0, credentials: credentials)
        let chunkSize = [1, 7, 64, Int.max][Int((mode >> 5) & 0x03)]
        let framer = LineFramer(maximumLineBytes: mode & 0x80 != 0 ? 40 : 8192)
        let outcome: (result: SessionResult, problems: [String])
        switch mode & 0x03 {
        case 0:
            var session = POP3Session(goal: goal)
            outcome = drive(&session, stream, chunkSize: chunkSize, framer: framer)
        case 1:
            var session = SMTPSession(goal: goal, clientName: "fuzz.example")
            outcome = drive(&session, stream, chunkSize: chunkSize, framer: framer)
        default:
            var session = IMAPSession(goal: goal)
            outcome = drive(&session, stream, chunkSize: chunkSize, framer: framer)
        }
        var problems = outcome.problems
        if let credentials { problems += secretProblems(credentials, in: outcome.result) }
        return problems
    }

    static func drive<Session: MailSession>(
        _ session: inout Session, _ stream: [UInt8], chunkSize: Int, framer: LineFramer
    ) -> (result: SessionResult, problems: [String]) {
        var framer = framer
        let size = min(chunkSize, max(stream.count, 1))
        var chunks = stride(from: 0, to: stream.count, by: size).map { stream[$0..<min($0 + size, stream.count)] }[...]
        var lines: [String] = []
        var tooLong = false
        var step = session.start()
        var turns = 0
        while turns <= 4 * (stream.count + 8) {
            turns += 1
            switch step {
            case .read:
                while lines.isEmpty, !tooLong, let chunk = chunks.popFirst() {
                    do {
                        lines += try framer.append(chunk)
                    } catch {
                        lines += error.completeLines
                        tooLong = true
                    }
                }
                if !lines.isEmpty {
                    step = session.receive(lines.removeFirst())
                } else if tooLong {
                    tooLong = false
                    chunks = []
                    step = session.lineTooLong()
                    guard case .close = step else { return (session.result, ["lineTooLong() did not close"]) }
                } else {
                    step = session.connectionClosed()
                    guard case .close = step else { return (session.result, ["connectionClosed() did not close"]) }
                }
            case .send(let line):
                if line.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                    return (session.result, ["sent a line with CR, LF or NUL: \(line.debugDescription)"])
                }
                step = .read
            case .startTLS:
                step = session.tlsEstablished()
            case .close(let result):
                var problems: [String] = []
                if result != session.result { problems.append("the closing result differs from the session's") }
                for next in [session.receive("+OK * 220 a1 OK"), session.tlsEstablished(), session.connectionClosed(), session.lineTooLong()] {
                    if case .close = next {} else { problems.append("a closed session did \(next)") }
                }
                return (session.result, problems)
            }
        }
        return (session.result, ["the session goes round without reading"])
    }

    /// The password, as text or in the base64 forms the sessions send it in, must not show.
    static func secretProblems(_ credentials: Credentials, in result: SessionResult) -> [String] {
        let secrets = [
            credentials.password, Base64.encode(credentials.password.utf8), credentials.plainResponse,
        ].map { Array($0.utf8) }
        var texts = result.transcript.map(\.text)
        texts += [result.greeting ?? "", result.failure?.reply ?? "", String(describing: result), String(reflecting: result)]
        if case .rejected(_, let reply) = result.login { texts.append(reply) }
        return texts.compactMap { text in
            let haystack = Array(text.utf8)
            let leaks = secrets.contains { secret in
                haystack.count >= secret.count
                    && (0...(haystack.count - secret.count)).contains { haystack[$0..<$0 + secret.count].elementsEqual(secret) }
            }
            return leaks ? "the password shows in \(text.debugDescription)" : nil
        }
    }

    // MARK: Addresses

    static func address(_ bytes: [UInt8]) -> [String] {
        var latin1 = String.UnicodeScalarView()
        latin1.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        var problems: [String] = []
        for text in [String(decoding: bytes, as: UTF8.self), String(latin1)] {
            // Punycode directly: decode(encode(x)) is x, scalar for scalar.
            if let encoded = Punycode.encode(text), Punycode.decode(encoded)?.unicodeScalars.elementsEqual(text.unicodeScalars) != true {
                problems.append("punycode does not round-trip \(text.debugDescription)")
            }
            var domains: [String] = [text]
            if let at = text.utf8.lastIndex(of: UInt8(ascii: "@")) {
                domains.append(String(text[text.utf8.index(after: at)...]))
            }
            if let address = try? EmailAddress(text) {
                for form in [address.ascii, address.unicode] where (try? EmailAddress(form)) != address {
                    problems.append("\(form.debugDescription) does not parse back to \(address.ascii.debugDescription)")
                }
                let expanded = Placeholders.expand(
                    "%EMAILADDRESS%|%emaillocalpart%|%EMAILDOMAIN%|%REALNAME%", address: address, domain: address.domain,
                    realName: "%EMAILDOMAIN%")
                if expanded != "\(address.ascii)|\(address.localPart)|\(address.domain.ascii)|%EMAILDOMAIN%" {
                    problems.append("placeholders expand to \(expanded.debugDescription)")
                }
            }
            for text in domains {
                guard let domain = try? DomainName(text) else { continue }
                problems += domainProblems(domain)
            }
        }
        return problems
    }

    static func domainProblems(_ domain: DomainName) -> [String] {
        var problems: [String] = []
        let ascii = domain.ascii
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        if ascii.utf8.count > DomainName.maxLength || labels.count < 2 {
            problems.append("bad length or label count: \(ascii)")
        }
        for label in labels {
            let ldh = label.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
            if !(1...63).contains(label.utf8.count) || !ldh || label.hasPrefix("-") || label.hasSuffix("-") {
                problems.append("label \(label.debugDescription) of \(ascii) is not LDH")
            }
            // Punycode directly: what decodes encodes back to the same label.
            if IDNA.hasACEPrefix(label) {
                let decoded = Punycode.decode(label.dropFirst(4))
                if decoded.flatMap({ Punycode.encode($0) }).map({ "xn--" + $0 }) != String(label) {
                    problems.append("punycode label \(label) does not round-trip")
                }
            }
        }
        for form in [ascii, domain.unicode] where (try? DomainName(form)) != domain {
            problems.append("\(form.debugDescription) does not parse back to \(ascii)")
        }
        let suffix = PublicSuffixList.publicSuffix(of: domain)
        if !(suffix == ascii || ascii.hasSuffix("." + suffix)) {
            problems.append("public suffix \(suffix) of \(ascii)")
        }
        return problems
    }
}
