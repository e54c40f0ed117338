/// What talking to one server showed: where its name led, how far the conversation got, and the
/// first thing that went wrong. Filled in by a prober; read by ``DiagnosisRules``.
public struct ProbeObservation: Sendable, Hashable {
    /// The server asked about: protocol, host name, port and security (the user name is unused).
    public var server: ServerSettings
    /// The addresses the host name resolved to, in the order tried.
    public var addresses: [String]
    /// The address the connection was made to, when one was.
    public var connectedAddress: String?
    /// Each step taken, in order, with its time.
    public var steps: [ProbeStep]
    /// The TLS version agreed on (`TLSv1.3`), when TLS was established.
    public var tlsVersion: String?
    /// What the protocol conversation showed, when it started.
    public var session: SessionResult?
    /// The first thing that went wrong; nil when every step passed.
    public var problem: ProbeProblem?

    /// An observation from its parts.
    public init(
        server: ServerSettings, addresses: [String] = [], connectedAddress: String? = nil, steps: [ProbeStep] = [],
        tlsVersion: String? = nil, session: SessionResult? = nil, problem: ProbeProblem? = nil
    ) {
        self.server = server
        self.addresses = addresses
        self.connectedAddress = connectedAddress
        self.steps = steps
        self.tlsVersion = tlsVersion
        self.session = session
        self.problem = problem
    }

    /// Whether the server was reachable and its protocol conversation worked (a login, when one
    /// was tried, included).
    public var succeeded: Bool { problem == nil }
}

/// One step of a probe.
public struct ProbeStep: Sendable, Hashable {
    /// Which step.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Resolving the host name.
        case dns
        /// Opening the TCP connection.
        case connect
        /// The TLS handshake of implicit TLS.
        case tls
        /// Waiting for the server's greeting.
        case greeting
        /// Asking for the capabilities.
        case capabilities
        /// Upgrading with STARTTLS (STLS in POP3).
        case startTLS = "starttls"
        /// Logging in.
        case login
    }

    /// Which step.
    public var kind: Kind
    /// Whether it passed.
    public var passed: Bool
    /// How long it took, in milliseconds.
    public var ms: Int
    /// One line for people: what happened.
    public var detail: String

    /// A step from its parts.
    public init(kind: Kind, passed: Bool, ms: Int, detail: String) {
        self.kind = kind
        self.passed = passed
        self.ms = ms
        self.detail = detail
    }
}

/// The first thing that went wrong in a probe.
public enum ProbeProblem: Sendable, Hashable {
    /// The host name has no address (`detail`: NXDOMAIN, no A/AAAA record, no answer…).
    case noAddress(detail: String)
    /// Nothing listens on the port: the connection was refused.
    case connectionRefused
    /// The connection was not answered in time (a firewall that drops, a wrong address).
    case connectTimedOut
    /// The connection failed otherwise (network unreachable…).
    case connectFailed(detail: String)
    /// A TLS handshake met plain text: the port does not speak TLS from the start.
    case tlsOnPlainPort
    /// Connected, but the server said nothing before the time ran out: it may wait for a TLS
    /// handshake (a TLS port used without TLS), or it stalls.
    case silentServer
    /// The TLS handshake failed for a reason other than the certificate.
    case tlsFailed(detail: String)
    /// The certificate does not chain to a trusted root.
    case certificateUntrusted(detail: String)
    /// The certificate is valid but for other names.
    case certificateNameMismatch(detail: String)
    /// The protocol conversation failed (wrong protocol, bad greeting, STARTTLS missing…).
    case session(SessionFailure)
    /// The server refused the login.
    case loginRejected(LoginRejection, reply: String)
    /// The overall time ran out during `step`.
    case timedOut(step: ProbeStep.Kind)
}
