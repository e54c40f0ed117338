import MailSettings

extension FuzzChecks {
    /// The invariants of the DNS wire codec.
    ///
    /// Feeds `bytes` to ``DNSHeader/init(bytes:)`` and ``DNSMessage/init(bytes:)`` as a message
    /// from a server, and, read as text, to ``DNSQuery`` as a name to look up.
    ///
    /// For a message that decodes: the header agrees with the one read alone; each section holds
    /// as many entries as the header counts (at most as many when the TC bit is set); every name —
    /// owner names and names in record data, after following compression pointers — is at most
    /// 255 octets in wire form with labels of 1 to 63 octets, lower-case, its escapes well formed;
    /// A and AAAA data are 4 and 16 bytes, TXT data one or more strings of at most 255; the EDNS
    /// fields come from exactly one OPT record; and every name without escapes encodes again, to
    /// the same text, into a query that decodes to its own question, is not its own response, and
    /// whose answer (the same bytes with the QR bit set) is. For a message that does not decode,
    /// the error's offset lies inside the input and the error says something. For a name that
    /// encodes, the query holds the same.
    ///
    /// - Returns: the problems found, empty when every invariant holds.
    public static func dns(_ bytes: [UInt8]) -> [String] {
        var problems = Problems()
        let header = try? DNSHeader(bytes: bytes)
        do {
            let message = try DNSMessage(bytes: bytes)
            check(message, header: header, &problems)
        } catch {
            if let offset = error.offset {
                problems.expect(
                    (0...bytes.count).contains(offset), "error offset \(offset) outside \(bytes.count) bytes")
            }
            problems.expect(!error.description.isEmpty, "a DNS error without a message")
        }

        // The same bytes as a name to look up.
        let text = String(decoding: bytes.prefix(512), as: UTF8.self)
        if let query = try? DNSQuery(id: 0x5A5A, name: text, type: .srv) {
            checkWireName(query.question.name, &problems)
            roundTrip(query, &problems)
        }
        return problems.list
    }

    private static func check(_ message: DNSMessage, header: DNSHeader?, _ problems: inout Problems) {
        problems.expect(header == message.header, "the message's header differs from the header read alone")
        let sections: [(entries: Int, counted: UInt16)] = [
            (message.questions.count, message.header.questionCount),
            (message.answers.count, message.header.answerCount),
            (message.authorities.count, message.header.authorityCount),
            (message.additionals.count, message.header.additionalCount),
        ]
        for (entries, counted) in sections {
            if message.isTruncated {
                problems.expect(entries <= Int(counted), "\(entries) entries where the header counts \(counted)")
            } else {
                problems.expect(entries == Int(counted), "\(entries) entries where the header counts \(counted)")
            }
        }
        let options = message.additionals.filter { if case .opt = $0.data { true } else { false } }
        problems.expect(
            (message.edns != nil) == (options.count == 1), "EDNS fields without exactly one OPT record")

        for question in message.questions {
            checkWireName(question.name, &problems)
            reencode(question.name, type: question.type, &problems)
        }
        for record in message.answers + message.authorities + message.additionals {
            checkWireName(record.name, &problems)
            reencode(record.name, type: record.type, &problems)
            switch record.data {
            case .cname(let name), .ns(let name), .mx(_, let name), .srv(_, _, _, let name):
                checkWireName(name, &problems)
                reencode(name, type: .a, &problems)
            case .soa(let primary, let mailbox, _, _, _, _, _):
                checkWireName(primary, &problems)
                checkWireName(mailbox, &problems)
                reencode(primary, type: .a, &problems)
                reencode(mailbox, type: .a, &problems)
            case .a(let address):
                problems.expect(address.bytes.count == 4, "an A record with \(address.bytes.count) bytes")
            case .aaaa(let address):
                problems.expect(address.bytes.count == 16, "an AAAA record with \(address.bytes.count) bytes")
            case .txt(let strings):
                problems.expect(
                    !strings.isEmpty && strings.allSatisfy { $0.count <= 255 }, "a TXT record with bad strings")
            case .opt, .other:
                break
            }
        }
    }

    /// A name in presentation form, turned back into wire form, is at most 255 octets in labels
    /// of 1 to 63; letters are lower-case; escapes are `\DDD` up to 255 or `\` and one byte; other
    /// bytes are printable ASCII; the root is `.` alone. Stops at the first problem of a name.
    private static func checkWireName(_ name: String, _ problems: inout Problems) {
        if name == "." { return }
        var wireLength = 1  // the root label
        var labelLength = 0
        var utf8 = Array(name.utf8)[...]
        func endLabel() -> String? {
            guard (1...63).contains(labelLength) else {
                return "a label of \(labelLength) octets in \(name.debugDescription)"
            }
            wireLength += 1 + labelLength
            labelLength = 0
            return nil
        }
        while let byte = utf8.popFirst() {
            switch byte {
            case UInt8(ascii: "."):
                if let problem = endLabel() { return problems.add(problem) }
            case UInt8(ascii: "\\"):
                if let next = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                    let digits = utf8.prefix(3)
                    guard digits.count == 3 && digits.allSatisfy({ (48...57).contains($0) }) else {
                        return problems.add("a bad \\DDD escape in \(name.debugDescription)")
                    }
                    let value = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
                    guard value <= 255 else { return problems.add("a \\DDD escape above 255 in \(name.debugDescription)") }
                    utf8 = utf8.dropFirst(3)
                } else if utf8.popFirst() == nil {
                    return problems.add("\(name.debugDescription) ends with a lone backslash")
                }
                labelLength += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return problems.add("an upper-case letter in \(name.debugDescription)")
            default:
                guard byte > 0x20 && byte < 0x7F else {
                    return problems.add("an unescaped byte \(byte) in \(name.debugDescription)")
                }
                labelLength += 1
            }
        }
        if let problem = endLabel() { return problems.add(problem) }
        problems.expect(wireLength <= 255, "\(name.debugDescription) is \(wireLength) octets in wire form")
    }

    /// A decoded name without escapes must encode again, to the same presentation form.
    private static func reencode(_ name: String, type: DNSRecordType, _ problems: inout Problems) {
        guard !name.utf8.contains(UInt8(ascii: "\\")) else { return }
        let query: DNSQuery
        do {
            query = try DNSQuery(id: 0x1234, name: name, type: type)
        } catch {
            return problems.add("a decoded name does not encode again: \(name.debugDescription): \(error)")
        }
        problems.expect(
            query.question.name == name,
            "\(name.debugDescription) encodes as \(query.question.name.debugDescription)")
        roundTrip(query, &problems)
    }

    /// A query decodes to its own question, is not its own response, and the same bytes marked as
    /// an answer are.
    private static func roundTrip(_ query: DNSQuery, _ problems: inout Problems) {
        var wire = query.encode()
        let asQuery: DNSMessage
        do {
            asQuery = try DNSMessage(bytes: wire)
        } catch {
            return problems.add("an encoded query for \(query.question.name.debugDescription) does not decode: \(error)")
        }
        problems.expect(asQuery.questions == [query.question], "a query decodes to another question")
        problems.expect(!asQuery.isResponse(to: query), "a query taken for its own response")
        wire[2] |= 0x80  // the QR bit
        let answer = try? DNSMessage(bytes: wire)
        problems.expect(
            answer?.isResponse(to: query) == true, "an answer is not taken for the response to its query")
    }
}
