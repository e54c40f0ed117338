import Foundation

/// The JSON encoding of the CLI contract: pretty, keys sorted (stable output to diff), no escaped slashes.
enum LookupJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
