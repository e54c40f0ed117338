import MailSettings

/// Something that asks DNS servers questions: ``NIODNSResolver`` over the network, or a
/// stand-in in tests.
///
/// ```swift
/// let resolver = NIODNSResolver(configuration: try .system())
/// let answer = try await resolver.query("_imaps._tcp.example.com", type: .srv)
/// if answer.rcode == .nameError { /* no such name */ }
/// ```
public protocol DNSResolving: Sendable {
    /// Asks for the records of `type` at `name` (ASCII; convert Unicode names to punycode first).
    ///
    /// Every answer that came back is returned, whatever its response code: NXDOMAIN, an empty
    /// NOERROR ("no data"), SERVFAIL and REFUSED are told apart by ``DNSAnswer/rcode``.
    ///
    /// - Throws: ``DNSResolveError`` when no server gave an answer, the name cannot be asked
    ///   about, or the task was cancelled.
    func query(_ name: String, type: DNSRecordType) async throws(DNSResolveError) -> DNSAnswer
}

/// The answer of a DNS server to one question.
public struct DNSAnswer: Sendable, Hashable {
    /// The question asked (its name lower-cased).
    public var question: DNSQuestion
    /// The response code: `DNSResponseCode.noError` (with records, or none: "no data"),
    /// `DNSResponseCode.nameError` (NXDOMAIN), `DNSResponseCode.serverFailure`,
    /// `DNSResponseCode.refused`…
    public var rcode: DNSResponseCode
    /// The records of the answer section, in the order the server sent them (CNAMEs included).
    public var records: [DNSResourceRecord]
    /// The records of the authority section, such as the SOA that comes with NXDOMAIN or an
    /// empty answer.
    public var authorities: [DNSResourceRecord]
    /// The AD bit: the server says it validated the answer with DNSSEC. Trust it only when the
    /// path to the server is trusted (a resolver on the same host, for example).
    public var authenticData: Bool
    /// The server that answered.
    public var server: DNSServer
    /// Whether the answer came over TCP (after a truncated UDP answer).
    public var overTCP: Bool

    /// An answer from its parts.
    public init(
        question: DNSQuestion, rcode: DNSResponseCode, records: [DNSResourceRecord],
        authorities: [DNSResourceRecord] = [], authenticData: Bool = false, server: DNSServer, overTCP: Bool = false
    ) {
        self.question = question
        self.rcode = rcode
        self.records = records
        self.authorities = authorities
        self.authenticData = authenticData
        self.server = server
        self.overTCP = overTCP
    }

    /// The records of the answer section whose type is the question's (leaving out the CNAMEs
    /// that led to them).
    public var matchingRecords: [DNSResourceRecord] {
        records.filter { $0.type == question.type }
    }
}
