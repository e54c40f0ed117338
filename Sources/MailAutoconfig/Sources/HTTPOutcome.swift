import MailSettings

/// Turns what an HTTP fetch of an autoconfig document gave into a source outcome.
enum HTTPOutcome {
    /// An HTTP failure: "nothing there" (no such host, nothing listening, 404) is `empty`; anything
    /// that may hide a problem or an attack (time-out, certificate, oversized body, https→http
    /// redirect, wrong content type) is `failed`, with the error's own one-line description.
    static func outcome(for error: HTTPFetchError) -> SourceOutcome {
        switch error.code {
        case .dnsFailure, .connectionRefused:
            return SourceOutcome(status: .empty, detail: error.description)
        case .unexpectedStatus where error.statusCode == 404 || error.statusCode == 410:
            return SourceOutcome(status: .empty, detail: error.description)
        default:
            return SourceOutcome(status: .failed, detail: error.description)
        }
    }

    /// Parses a fetched clientConfig document into an outcome.
    static func outcome(
        forConfig response: HTTPResponse,
        source: SourceID,
        trusted: Bool
    ) -> SourceOutcome {
        let config = ClientConfigParser.parse(response.body)
        if let fatal = config.errors.first, config.servers.isEmpty {
            return SourceOutcome(status: .failed, detail: "\(response.finalURL): \(fatal.description)")
        }
        let finding = config.finding(source: source, trusted: trusted)
        guard !finding.servers.isEmpty else {
            return SourceOutcome(status: .empty, detail: "\(response.finalURL): no usable server", finding: finding)
        }
        let incoming = finding.servers.filter { $0.protocol.isIncoming }.count
        let outgoing = finding.servers.count - incoming
        return SourceOutcome(
            status: .found,
            detail: "\(response.finalURL): \(incoming) incoming, \(outgoing) outgoing",
            finding: finding
        )
    }

    /// `value` percent-encoded for a URL query (RFC 3986 unreserved characters kept).
    static func queryEncoded(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return result
    }
}
