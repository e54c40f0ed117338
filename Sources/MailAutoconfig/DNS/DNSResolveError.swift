/// Why a DNS query, or the configuration of a resolver, failed.
///
/// Match on ``code``; read ``description`` for one line that says what happened and, where
/// there is something to do, what to do:
///
/// ```
/// _imaps._tcp.example.com SRV: no answer from 127.0.0.1:53 (2 tries of 2 s each); is the server running?
/// ```
///
/// An answer that came back with NXDOMAIN, SERVFAIL or REFUSED is not an error: see
/// ``DNSAnswer/rcode``. New codes may be added in later versions, so a `switch` over codes
/// needs a `default`.
public struct DNSResolveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidName
            case invalidServer
            case noServers
            case timedOut
            case connectionFailed
            case malformedAnswer
            case unreadableConfiguration
            case noAddress
            case cancelled
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The name cannot be put in a query (a label longer than 63 bytes, an empty label…).
        public static let invalidName = Self(.invalidName)
        /// A name server given as text is not `ADDRESS`, `ADDRESS:PORT` or `[IPv6]:PORT`.
        public static let invalidServer = Self(.invalidServer)
        /// The resolver has no name server to ask.
        public static let noServers = Self(.noServers)
        /// No server gave an answer within its tries.
        public static let timedOut = Self(.timedOut)
        /// The TCP connection a truncated answer needed failed.
        public static let connectionFailed = Self(.connectionFailed)
        /// A server's answer over TCP was not a well-formed DNS message for the question.
        public static let malformedAnswer = Self(.malformedAnswer)
        /// The resolver configuration file (`/etc/resolv.conf`) could not be read.
        public static let unreadableConfiguration = Self(.unreadableConfiguration)
        /// A host name to connect to has no address: no such name (NXDOMAIN), a server that
        /// failed or refused (SERVFAIL, REFUSED), or a chain of aliases (CNAME) too long.
        public static let noAddress = Self(.noAddress)
        /// The task that called ``DNSResolving/query(_:type:)`` was cancelled.
        public static let cancelled = Self(.cancelled)

        /// The code's name, such as `timedOut`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What was being asked, such as `example.com MX`; empty for configuration errors.
    public let subject: String
    /// What happened and, where it helps, what to do; without the subject.
    public let reason: String

    init(_ code: Code, subject: String = "", reason: String) {
        self.code = code
        self.subject = subject
        self.reason = reason
    }

    /// One line: the subject, then what happened (control characters escaped).
    public var description: String {
        HTTPFetchError.printable(subject.isEmpty ? reason : "\(subject): \(reason)")
    }
}
