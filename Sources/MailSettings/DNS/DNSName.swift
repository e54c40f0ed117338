/// Reading and writing domain names in DNS wire form (RFC 1035 sections 3.1 and 4.1.4).
///
/// Names are text in presentation form: lower-case ASCII labels joined by dots, no trailing
/// dot, and `.` alone for the root. In a label, `.` and `\` are written `\.` and `\\`, and a
/// byte outside printable ASCII is written `\DDD` (three decimal digits).
enum DNSName {
    /// The longest name in wire form, length bytes and the root's zero byte included.
    static let maximumWireLength = 255
    /// The longest label.
    static let maximumLabelLength = 63

    /// The wire form of `text`, a name of printable ASCII labels separated by dots (one
    /// trailing dot allowed, `.` alone for the root). Case is kept.
    static func encode(_ text: String) throws(DNSWireError) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else {
            throw DNSWireError(.invalidName, at: nil, "the name to look up is empty")
        }
        if bytes == [UInt8(ascii: ".")] {
            return [0]
        }
        var labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count > 1, labels[labels.count - 1].isEmpty {
            labels.removeLast()
        }
        var wire: [UInt8] = []
        wire.reserveCapacity(bytes.count + 2)
        for label in labels {
            guard !label.isEmpty else {
                throw DNSWireError(.invalidName, at: nil, "the name \"\(text)\" has an empty label")
            }
            guard label.count <= maximumLabelLength else {
                throw DNSWireError(
                    .labelTooLong, at: nil,
                    "the name \"\(text)\" has a label of \(label.count) bytes, more than the \(maximumLabelLength) allowed")
            }
            guard label.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else {
                throw DNSWireError(
                    .invalidName, at: nil,
                    "the name \"\(text)\" has a character other than printable ASCII; convert it to punycode first")
            }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= maximumWireLength else {
            throw DNSWireError(
                .nameTooLong, at: nil,
                "the name is \(wire.count) bytes in wire form, more than the \(maximumWireLength) allowed")
        }
        return wire
    }

    /// The presentation form of a wire name (as made by ``encode(_:)``, so well-formed).
    static func presentation(ofWire wire: [UInt8]) -> String {
        var text: [UInt8] = []
        var index = 0
        while index < wire.count, wire[index] != 0 {
            let length = Int(wire[index])
            if !text.isEmpty { text.append(UInt8(ascii: ".")) }
            appendLabel(wire[(index + 1)..<(index + 1 + length)], to: &text)
            index += 1 + length
        }
        return text.isEmpty ? "." : String(decoding: text, as: UTF8.self)
    }

    /// Reads the name that starts at `start`, following compression pointers.
    ///
    /// The bytes of the name in place (up to and including its first pointer or its root
    /// label) must end at or before `limit`; pointers may point anywhere earlier in the message.
    ///
    /// - Returns: the name in presentation form and the offset just after it in place.
    static func decode(
        _ message: [UInt8], at start: Int, limit: Int, inRecordData: Bool
    ) throws(DNSWireError) -> (name: String, end: Int) {
        var text: [UInt8] = []
        var position = start
        // Where the run of labels being read began: a pointer must point before it, so every
        // jump goes strictly backwards and reading always ends.
        var segmentStart = start
        var end: Int? = nil
        var wireLength = 1  // the root label's zero byte
        var jumps = 0
        // The end of the bytes the current run may use: `limit` in place, the message after a jump.
        var runLimit = limit

        func pastEnd(_ offset: Int) -> DNSWireError {
            if end == nil && inRecordData {
                return DNSWireError(.badRDataLength, at: offset, "a name runs past the end of its record's data")
            }
            return DNSWireError(.truncated, at: offset, "the message ends inside a name")
        }

        while true {
            guard position < runLimit else { throw pastEnd(position) }
            let length = message[position]
            switch length & 0xC0 {
            case 0xC0:
                guard position + 1 < runLimit else { throw pastEnd(position) }
                let target = Int(length & 0x3F) << 8 | Int(message[position + 1])
                if end == nil { end = position + 2 }
                guard target < segmentStart else {
                    throw Self.badPointer(message, from: start, pointer: position, target: target)
                }
                jumps += 1
                guard jumps <= DNSMessage.maximumPointerJumps else {
                    throw DNSWireError(
                        .pointerLoop, at: position,
                        "a name follows more than \(DNSMessage.maximumPointerJumps) compression pointers")
                }
                position = target
                segmentStart = target
                runLimit = message.count
            case 0x00:
                if length == 0 {
                    if end == nil { end = position + 1 }
                    let name = text.isEmpty ? "." : String(decoding: text, as: UTF8.self)
                    return (name, end!)
                }
                let count = Int(length)
                wireLength += 1 + count
                guard wireLength <= maximumWireLength else {
                    throw DNSWireError(
                        .nameTooLong, at: position,
                        "a name is longer than the \(maximumWireLength) bytes allowed")
                }
                guard position + 1 + count <= runLimit else { throw pastEnd(position) }
                if !text.isEmpty { text.append(UInt8(ascii: ".")) }
                appendLabel(message[(position + 1)..<(position + 1 + count)], to: &text)
                position += 1 + count
            default:
                throw DNSWireError(
                    .labelTooLong, at: position,
                    "a label length byte is \(length): more than \(maximumLabelLength), or a reserved label type")
            }
        }
    }

    /// The error for a pointer that does not point before the run of labels it ends: a loop
    /// when it points back into the labels already read for this name, else a forward pointer.
    private static func badPointer(_ message: [UInt8], from start: Int, pointer: Int, target: Int) -> DNSWireError {
        // Walk the name again from its start to the bad pointer, noting every position read.
        var visited: Set<Int> = []
        var position = start
        var steps = 0
        while steps <= DNSMessage.maximumPointerJumps + 128, position < message.count, position != pointer {
            visited.insert(position)
            steps += 1
            let length = message[position]
            if length & 0xC0 == 0xC0, position + 1 < message.count {
                position = Int(length & 0x3F) << 8 | Int(message[position + 1])
            } else if length & 0xC0 == 0, length != 0 {
                position += 1 + Int(length)
            } else {
                break
            }
        }
        visited.insert(pointer)
        if visited.contains(target) {
            return DNSWireError(
                .pointerLoop, at: pointer,
                "a compression pointer to offset \(target) leads back into the same name (a loop)")
        }
        return DNSWireError(
            .pointerForward, at: pointer,
            "a compression pointer to offset \(target) does not point to an earlier name")
    }

    /// Appends a label in presentation form: ASCII lower-cased, `.` and `\` escaped with `\`,
    /// other bytes outside printable ASCII as `\DDD`.
    static func appendLabel(_ label: ArraySlice<UInt8>, to text: inout [UInt8]) {
        for byte in label {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                text.append(byte | 0x20)
            case UInt8(ascii: "."), UInt8(ascii: "\\"):
                text.append(UInt8(ascii: "\\"))
                text.append(byte)
            case 0x21...0x7E:
                text.append(byte)
            default:
                text.append(UInt8(ascii: "\\"))
                text.append(UInt8(ascii: "0") + byte / 100)
                text.append(UInt8(ascii: "0") + byte / 10 % 10)
                text.append(UInt8(ascii: "0") + byte % 10)
            }
        }
    }
}
