/// Punycode (RFC 3492): Unicode strings as the letters, digits and hyphens that DNS labels hold.
///
/// These functions work on one label without its `xn--` prefix; ``IDNA`` adds and checks the
/// prefix. Mixed-case annotations are not produced; on decoding, digits are read in either case
/// and basic code points are kept as written.
enum Punycode {
    // Parameters from RFC 3492 section 5.
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 0x80
    private static let delimiter: UInt8 = UInt8(ascii: "-")

    /// The Punycode form of `input`, or nil when a number would overflow (far longer than any label).
    static func encode<S: StringProtocol>(_ input: S) -> String? {
        let codePoints = input.unicodeScalars.map(\.value)
        var output: [UInt8] = []
        output.reserveCapacity(codePoints.count + 8)
        for codePoint in codePoints where codePoint < initialN {
            output.append(UInt8(codePoint))
        }
        let basicCount = UInt32(output.count)
        var handled = basicCount
        if basicCount > 0 {
            output.append(delimiter)
        }

        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        let total = UInt32(codePoints.count)
        while handled < total {
            // The smallest code point not handled yet.
            var next = UInt32.max
            for codePoint in codePoints where codePoint >= n && codePoint < next {
                next = codePoint
            }
            guard let step = multiply(next - n, handled + 1), let advanced = add(delta, step) else {
                return nil
            }
            delta = advanced
            n = next
            for codePoint in codePoints {
                if codePoint < n {
                    guard let incremented = add(delta, 1) else { return nil }
                    delta = incremented
                }
                if codePoint == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = threshold(k, bias: bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, count: handled + 1, first: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            guard let incremented = add(delta, 1) else { return nil }
            delta = incremented
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Unicode string that `input` (Punycode, without `xn--`) stands for, or nil when it is
    /// not valid Punycode: a non-ASCII character, a bad digit, a cut-off number, an overflow,
    /// a basic code point encoded as a delta, or a value that is not a Unicode scalar.
    static func decode<S: StringProtocol>(_ input: S) -> String? {
        let bytes = Array(input.utf8)
        var output: [Unicode.Scalar] = []
        var position = 0
        // Basic code points stand before the last delimiter; with none before it (b = 0 in the
        // RFC) the delimiter is not skipped and the deltas start at the first character.
        if let last = bytes.lastIndex(of: delimiter), last > 0 {
            for byte in bytes[..<last] {
                guard byte < 0x80 else { return nil }
                output.append(Unicode.Scalar(byte))
            }
            position = last + 1
        }

        var n = initialN
        var i: UInt32 = 0
        var bias = initialBias
        while position < bytes.count {
            let oldI = i
            var weight: UInt32 = 1
            var k = base
            while true {
                guard position < bytes.count, let value = digitValue(bytes[position]) else { return nil }
                position += 1
                guard let scaled = multiply(value, weight), let sum = add(i, scaled) else { return nil }
                i = sum
                let t = threshold(k, bias: bias)
                if value < t { break }
                guard let nextWeight = multiply(weight, base - t) else { return nil }
                weight = nextWeight
                k += base
            }
            let count = UInt32(output.count) + 1
            bias = adapt(i - oldI, count: count, first: oldI == 0)
            guard let nextN = add(n, i / count) else { return nil }
            n = nextN
            i %= count
            guard n >= initialN, let scalar = Unicode.Scalar(n) else { return nil }
            output.insert(scalar, at: Int(i))
            i += 1
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: output)
        return String(result)
    }

    // MARK: - Helpers

    /// The bias adaptation function of RFC 3492 section 6.1.
    private static func adapt(_ delta: UInt32, count: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + ((base - tMin + 1) * delta) / (delta + skew)
    }

    /// The threshold t for position k, clamped to tMin...tMax.
    private static func threshold(_ k: UInt32, bias: UInt32) -> UInt32 {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    /// The digit for 0...35: a–z then 0–9.
    private static func digit(_ value: UInt32) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    /// The value of a digit in either case, or nil.
    private static func digitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0")) + 26
        default: return nil
        }
    }

    private static func add(_ a: UInt32, _ b: UInt32) -> UInt32? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }

    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }
}
