/// An IPv4 address from an `A` record: 4 bytes, in network order.
public struct DNSIPv4Address: Sendable, Hashable, CustomStringConvertible {
    /// The address's 4 bytes, most significant first.
    public let bytes: [UInt8]

    /// An address from exactly 4 bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        self.bytes = bytes
    }

    /// The address in dotted-decimal form, such as `192.0.2.1`.
    public var description: String {
        bytes.map { String($0) }.joined(separator: ".")
    }
}

/// An IPv6 address from an `AAAA` record: 16 bytes, in network order.
public struct DNSIPv6Address: Sendable, Hashable, CustomStringConvertible {
    /// The address's 16 bytes, most significant first.
    public let bytes: [UInt8]

    /// An address from exactly 16 bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address in the text form of RFC 5952, such as `2001:db8::1`: lower-case hexadecimal
    /// without leading zeros, the longest run of two or more zero groups (the first, on a tie)
    /// written `::`, and IPv4-mapped addresses as `::ffff:192.0.2.1`.
    public var description: String {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            return "::ffff:" + bytes[12...].map { String($0) }.joined(separator: ".")
        }
        // The longest run of zero groups, at least two long.
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8 && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestLength >= 2 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}
