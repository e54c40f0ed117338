import MailSettings

/// Fuzz target for the DNS wire codec.
///
/// Feeds the input to ``DNSHeader/init(bytes:)`` and ``DNSMessage/init(bytes:)`` as a message
/// from a server, and, read as text, to ``DNSQuery`` as a name to look up.
///
/// Checks, for a message that decodes: the header agrees with the one read alone; each section
/// holds as many entries as the header counts (at most as many when the TC bit is set); every
/// name — owner names and names in record data, after following compression pointers — is at
/// most 255 octets in wire form with labels of 1 to 63 octets, lower-case; the EDNS fields come
/// from exactly one OPT record; and every name without escapes encodes again into a query whose
/// answer (the same bytes with the QR bit set) decodes back to the same question. For a message
/// that does not decode, the error's offset lies inside the input. For a name that encodes, the
/// query decodes to the same question.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []

    let header = try? DNSHeader(bytes: bytes)
    do {
        let message = try DNSMessage(bytes: bytes)
        check(message, header: header)
    } catch {
        if let offset = error.offset {
            precondition((0...bytes.count).contains(offset), "error offset \(offset) outside \(bytes.count) bytes")
        }
        precondition(!error.description.isEmpty, "error without a message")
    }

    // The same bytes as a name to look up.
    let text = String(decoding: bytes.prefix(512), as: UTF8.self)
    if let query = try? DNSQuery(id: 0x5A5A, name: text, type: .srv) {
        checkWireName(query.question.name)
        roundTrip(query)
    }
    return 0
}

private func check(_ message: DNSMessage, header: DNSHeader?) {
    precondition(header == message.header, "the message's header differs from the header read alone")
    let sections: [(entries: Int, counted: UInt16)] = [
        (message.questions.count, message.header.questionCount),
        (message.answers.count, message.header.answerCount),
        (message.authorities.count, message.header.authorityCount),
        (message.additionals.count, message.header.additionalCount),
    ]
    for (entries, counted) in sections {
        if message.isTruncated {
            precondition(entries <= Int(counted), "more entries than the header counts")
        } else {
            precondition(entries == Int(counted), "\(entries) entries where the header counts \(counted)")
        }
    }
    let options = message.additionals.filter { if case .opt = $0.data { true } else { false } }
    precondition((message.edns != nil) == (options.count == 1), "EDNS fields without exactly one OPT record")

    for question in message.questions {
        checkWireName(question.name)
        reencode(question.name, type: question.type)
    }
    for record in message.answers + message.authorities + message.additionals {
        checkWireName(record.name)
        reencode(record.name, type: record.type)
        switch record.data {
        case .cname(let name), .ns(let name), .mx(_, let name), .srv(_, _, _, let name):
            checkWireName(name)
            reencode(name, type: .a)
        case .soa(let primary, let mailbox, _, _, _, _, _):
            checkWireName(primary)
            checkWireName(mailbox)
            reencode(primary, type: .a)
        case .a(let address):
            precondition(address.bytes.count == 4, "an A record without 4 bytes")
        case .aaaa(let address):
            precondition(address.bytes.count == 16, "an AAAA record without 16 bytes")
        case .txt(let strings):
            precondition(!strings.isEmpty && strings.allSatisfy { $0.count <= 255 }, "a TXT record with bad strings")
        case .opt, .other:
            break
        }
    }
}

/// A name in presentation form, turned back into wire form, is at most 255 octets in labels
/// of 1 to 63; letters are lower-case; the root is `.` alone.
private func checkWireName(_ name: String) {
    if name == "." { return }
    var wireLength = 1  // the root label
    var labelLength = 0
    var utf8 = Array(name.utf8)[...]
    func endLabel() {
        precondition(labelLength >= 1 && labelLength <= 63, "a label of \(labelLength) octets in \(name.debugDescription)")
        wireLength += 1 + labelLength
        labelLength = 0
    }
    while let byte = utf8.popFirst() {
        switch byte {
        case UInt8(ascii: "."):
            endLabel()
        case UInt8(ascii: "\\"):
            if let next = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) {
                let digits = utf8.prefix(3)
                precondition(digits.count == 3 && digits.allSatisfy { (48...57).contains($0) }, "a bad \\DDD escape")
                let value = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
                precondition(value <= 255, "a \\DDD escape above 255")
                utf8 = utf8.dropFirst(3)
            } else {
                precondition(utf8.popFirst() != nil, "a name ends with a lone backslash")
            }
            labelLength += 1
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            preconditionFailure("an upper-case letter in \(name.debugDescription)")
        default:
            precondition(byte > 0x20 && byte < 0x7F, "an unescaped byte \(byte) in a name")
            labelLength += 1
        }
    }
    endLabel()
    precondition(wireLength <= 255, "a name of \(wireLength) octets in wire form")
}

/// A decoded name without escapes must encode again, to the same presentation form.
private func reencode(_ name: String, type: DNSRecordType) {
    guard !name.utf8.contains(UInt8(ascii: "\\")) else { return }
    let query: DNSQuery
    do {
        query = try DNSQuery(id: 0x1234, name: name, type: type)
    } catch {
        preconditionFailure("a decoded name does not encode again: \(name.debugDescription): \(error)")
    }
    precondition(query.question.name == name, "\(name.debugDescription) encodes as \(query.question.name.debugDescription)")
    roundTrip(query)
}

/// A query decodes to its own question, and the same bytes marked as an answer are its response.
private func roundTrip(_ query: DNSQuery) {
    var wire = query.encode()
    let asQuery: DNSMessage
    do {
        asQuery = try DNSMessage(bytes: wire)
    } catch {
        preconditionFailure("an encoded query does not decode: \(error)")
    }
    precondition(asQuery.questions == [query.question], "a query decodes to another question")
    precondition(!asQuery.isResponse(to: query), "a query taken for its own response")
    wire[2] |= 0x80  // the QR bit
    let answer = try? DNSMessage(bytes: wire)
    precondition(answer?.isResponse(to: query) == true, "an answer is not taken for the response to its query")
}
