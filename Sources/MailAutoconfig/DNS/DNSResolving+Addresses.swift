import MailSettings

extension DNSResolving {
    /// The most CNAME steps followed from one name before giving up (a loop, or a broken zone).
    static var maximumAliasSteps: Int { 8 }

    /// The addresses of a host, from its A records (`family: .a`) or AAAA records (`.aaaa`), as
    /// packed bytes (4 or 16), in the order the server gave them.
    ///
    /// An alias (CNAME) that the server did not follow itself is asked about in turn, up to
    /// ``maximumAliasSteps`` times. A name that exists without records of this family gives no
    /// addresses; one that does not exist, or that the server cannot answer for, throws.
    ///
    /// - Throws: ``DNSResolveError`` with ``DNSResolveError/Code/noAddress`` for NXDOMAIN, SERVFAIL,
    ///   REFUSED and alias chains that do not end; the query's own errors otherwise.
    func packedAddresses(of host: String, family: DNSRecordType) async throws(DNSResolveError) -> [[UInt8]] {
        let subject = "\(host) \(family)"
        var name = host
        for _ in 0...Self.maximumAliasSteps {
            let answer = try await query(name, type: family)
            switch answer.rcode {
            case .noError:
                break
            case .nameError:
                let alias = name == host ? "" : " (reached through an alias)"
                throw DNSResolveError(.noAddress, subject: subject, reason: "no such name \(name)\(alias) (NXDOMAIN from \(answer.server))")
            default:
                throw DNSResolveError(.noAddress, subject: subject, reason: "\(answer.server) answered \(answer.rcode)")
            }
            var addresses: [[UInt8]] = []
            var alias: String?
            for record in answer.records {
                switch record.data {
                case .a(let address) where family == .a: addresses.append(address.bytes)
                case .aaaa(let address) where family == .aaaa: addresses.append(address.bytes)
                case .cname(let target): alias = target
                default: continue
                }
            }
            guard addresses.isEmpty, let alias else { return addresses }
            name = alias
        }
        throw DNSResolveError(
            .noAddress, subject: subject, reason: "more than \(Self.maximumAliasSteps) aliases (CNAME) in a row; the zone is broken")
    }
}
