/// The question of a DNS query as the test DNS servers read it: by hand from the bytes, so that a
/// test server does not lean on the codec under test.
struct RawDNSQuestion {
    /// The query's ID.
    let id: UInt16
    /// The name, lower-cased, without the root's dot.
    let name: String
    /// The record type's number (1 A, 28 AAAA, 15 MX, 33 SRV …).
    let type: UInt16
    /// The question's bytes as sent (name, type, class): what an answer repeats.
    let bytes: [UInt8]

    /// Reads the first question of `query`; nil when the bytes are too short or a label runs past them.
    init?(_ query: [UInt8]) {
        guard query.count > 12 else { return nil }
        var end = 12
        var labels: [String] = []
        while end < query.count, query[end] != 0 {
            let length = Int(query[end])
            guard end + 1 + length <= query.count else { return nil }
            labels.append(String(decoding: query[(end + 1)..<(end + 1 + length)], as: UTF8.self))
            end += 1 + length
        }
        end += 5  // the root label, type and class
        guard end <= query.count else { return nil }
        id = UInt16(query[0]) << 8 | UInt16(query[1])
        name = labels.joined(separator: ".").lowercased()
        type = UInt16(query[end - 4]) << 8 | UInt16(query[end - 3])
        bytes = Array(query[12..<end])
    }
}
