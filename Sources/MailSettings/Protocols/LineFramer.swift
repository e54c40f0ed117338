/// Splits the bytes a mail server sends into lines.
///
/// A line ends with CRLF or with a bare LF (some servers and proxies send those); the line end
/// is not part of the line. A CR that is not followed by LF is kept as text. Bytes are decoded as
/// UTF-8; a byte that does not start a valid UTF-8 sequence is read as Latin-1, so 8-bit text
/// from old servers is never dropped or replaced.
///
/// A line longer than ``maximumLineBytes`` (not counting its line end) throws
/// ``ProtocolError/Code/lineTooLong``. The framer then drops the rest of that line, up to its
/// line end, and carries on with the next one: the bytes that followed in the same call are
/// kept and framed by the next call to ``append(_:)`` (which may be given no bytes).
///
/// ```swift
/// var framer = LineFramer()
/// for line in try framer.append(received) {
///     step = session.receive(line)
/// }
/// ```
public struct LineFramer: Sendable {
    /// The longest line accepted, in bytes, without its line end.
    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    private var discardingLine = false
    /// Bytes that came after an over-long line in the same call, framed by the next call.
    private var pending: [UInt8] = []

    /// Creates a framer that accepts lines up to `maximumLineBytes` bytes (at least 1).
    public init(maximumLineBytes: Int = 8192) {
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// How many bytes are held back: those waiting for their line end, and those that followed
    /// an over-long line in the same call.
    public var bufferedByteCount: Int { buffer.count + pending.count }

    /// Adds received bytes and returns the lines they complete, in order.
    ///
    /// When a line is too long, the error carries the lines completed before it in
    /// ``ProtocolError/completeLines``.
    public mutating func append(_ bytes: some Sequence<UInt8>) throws(ProtocolError) -> [String] {
        var input = pending
        pending = []
        input.append(contentsOf: bytes)
        var lines: [String] = []
        for (position, byte) in input.enumerated() {
            if discardingLine {
                if byte == 0x0A { discardingLine = false }
                continue
            }
            if byte == 0x0A {
                if buffer.last == 0x0D { buffer.removeLast() }
                lines.append(Self.decode(buffer))
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            buffer.append(byte)
            // A line that ends in CR may still lose it to a following LF; any other is too long now.
            let shortest = buffer.last == 0x0D ? buffer.count - 1 : buffer.count
            if shortest > maximumLineBytes {
                let length = buffer.count
                buffer.removeAll(keepingCapacity: true)
                discardingLine = true
                pending = Array(input[(position + 1)...])
                throw ProtocolError(
                    .lineTooLong, completeLines: lines,
                    "the server sent a line of more than \(maximumLineBytes) bytes (\(length) so far); it is not speaking a mail protocol as expected"
                )
            }
        }
        return lines
    }

    /// Decodes UTF-8, reading each byte that is not part of a valid sequence as Latin-1.
    static func decode(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            if let (scalar, length) = validSequence(in: bytes, at: index) {
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(Unicode.Scalar(bytes[index]))
                index += 1
            }
        }
        return String(scalars)
    }

    /// The scalar a well-formed UTF-8 sequence at `index` encodes, and its length.
    private static func validSequence(in bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        let length: Int
        let minimum: UInt32
        var value: UInt32
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
