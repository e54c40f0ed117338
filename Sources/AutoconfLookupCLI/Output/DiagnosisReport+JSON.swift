import MailSettings

// The `diagnose --json` output: observations and verdicts with stable ids.

extension DiagnosisReport {
    /// `query`, `passed`, `findings`, `checks`, `settings` (the comparison, or null), `lookup`.
    var json: JSONValue {
        .object([
            ("query", lookup.query.json),
            ("passed", .bool(passed)),
            ("findings", .array(findings.map(\.json))),
            ("checks", .array(checks.map(\.json))),
            ("settings", comparison.map(\.json) ?? .null),
            ("lookup", lookup.json),
        ])
    }
}

extension DiagnosisReport.Check {
    /// `role`, `server`, `addresses`, `connectedAddress`, `tlsVersion`, `steps`, `capabilities`,
    /// `startTLSOffered`, `authentication`, `verdict`.
    var json: JSONValue {
        let session = observation.session
        let server = observation.server
        return .object([
            ("role", .string(role.rawValue)),
            ("server", .object([
                ("protocol", .string(server.protocol.rawValue)),
                ("hostname", .string(server.hostname)),
                ("port", .int(server.port)),
                ("security", .string(server.security.rawValue)),
            ])),
            ("addresses", .strings(observation.addresses)),
            ("connectedAddress", .optional(observation.connectedAddress)),
            ("tlsVersion", .optional(observation.tlsVersion)),
            ("steps", .array(observation.steps.map(\.json))),
            ("capabilities", .strings(session?.capabilities ?? [])),
            ("startTLSOffered", .bool(session?.startTLSOffered ?? false)),
            ("authentication", .strings(session?.authenticationMechanisms ?? [])),
            ("verdict", verdict.json),
        ])
    }
}

extension ProbeStep {
    /// `step`, `passed`, `ms`, `detail`.
    var json: JSONValue {
        .object([("step", .string(kind.rawValue)), ("passed", .bool(passed)), ("ms", .int(ms)), ("detail", .string(detail))])
    }
}

extension Verdict {
    /// `id`, `severity`, `subject`, `cause`, `fix`.
    var json: JSONValue {
        .object([
            ("id", .string(id)), ("severity", .string(severity.rawValue)), ("subject", .string(subject)),
            ("cause", .string(cause)), ("fix", .string(fix)),
        ])
    }
}
