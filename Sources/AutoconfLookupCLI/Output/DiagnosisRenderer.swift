import MailSettings

/// The human output of `diagnose`: for each server, its steps with ✓ or ✗ and their times, then
/// what is wrong and what to do, in the person's language.
struct DiagnosisRenderer {
    var language: Language
    var width: Int

    private var es: Bool { language == .spanish }

    func render(_ report: DiagnosisReport, query: MailQuery) -> String {
        var output = (es ? "Diagnóstico de " : "Diagnosis for ") + query.description + "\n"
        for verdict in report.findings {
            output += "\n" + verdictLines(verdict)
        }
        for check in report.checks {
            output += "\n" + heading(check) + "\n"
            let nameWidth = check.observation.steps.map { stepName($0.kind).count }.max() ?? 0
            for step in check.observation.steps {
                let mark = step.passed ? "✓" : "✗"
                let name = stepName(step.kind) + String(repeating: " ", count: nameWidth - stepName(step.kind).count)
                let ms = String(step.ms).count >= 5 ? "\(step.ms)" : String(repeating: " ", count: 5 - String(step.ms).count) + "\(step.ms)"
                output += "  \(mark) \(name) \(ms) ms  \(detail(step, check.observation))\n"
            }
            output += verdictLines(check.verdict)
        }
        if let comparison = report.comparison {
            output += "\n" + (es ? "Tus ajustes" : "Your settings") + "\n" + verdictLines(comparison)
        }
        output += "\n" + (report.passed
            ? (es ? "Todo correcto." : "Everything checked works.")
            : (es ? "Se encontraron problemas: arriba está qué hacer." : "Problems found: what to do is above.")) + "\n"
        return output
    }

    /// A step's detail in the person's language: the prober writes English; passed steps are
    /// said again from the observation in Spanish, while a server's own words stay as they were.
    private func detail(_ step: ProbeStep, _ observation: ProbeObservation) -> String {
        guard es, step.passed else { return step.detail }
        let server = observation.server
        switch step.kind {
        case .connect:
            return "conectado a \(observation.connectedAddress ?? server.hostname), puerto \(server.port)"
        case .tls:
            return "TLS establecido (\(observation.tlsVersion ?? "versión desconocida")), certificado válido para \(server.hostname)"
        case .startTLS:
            return "el servidor aceptó STARTTLS"
        case .capabilities:
            guard let session = observation.session else { return step.detail }
            let mechanisms = session.authenticationMechanisms.isEmpty ? "" : "; acceso: " + session.authenticationMechanisms.joined(separator: " ")
            return "\(session.capabilities.count) capacidades\(session.startTLSOffered ? ", ofrece STARTTLS" : "")\(mechanisms)"
        case .login:
            return "acceso correcto"
        case .dns, .greeting:
            return step.detail  // addresses, or the server's own greeting
        }
    }

    private func heading(_ check: DiagnosisReport.Check) -> String {
        let role = switch check.role {
        case .incoming: es ? "Correo entrante" : "Incoming mail"
        case .recommended: es ? "Correo entrante recomendado" : "Recommended incoming server"
        case .outgoing: es ? "Correo saliente" : "Outgoing mail"
        }
        return "\(role) — \(check.verdict.subject)"
    }

    private func verdictLines(_ verdict: Verdict) -> String {
        let mark = switch verdict.severity {
        case .ok: "✓"
        case .warning: "!"
        case .problem: "✗"
        }
        var lines = wrap("\(mark) \(verdict.cause)", indent: "  ", hanging: "    ")
        if !verdict.fix.isEmpty {
            lines += wrap((es ? "→ Qué hacer: " : "→ What to do: ") + verdict.fix, indent: "    ", hanging: "      ")
        }
        return lines
    }

    private func stepName(_ kind: ProbeStep.Kind) -> String {
        switch kind {
        case .dns: "DNS"
        case .connect: es ? "conexión" : "connect"
        case .tls: "TLS"
        case .greeting: es ? "saludo" : "greeting"
        case .capabilities: es ? "capacidades" : "capabilities"
        case .startTLS: "STARTTLS"
        case .login: es ? "acceso" : "login"
        }
    }

    /// Wraps at word boundaries to the width.
    private func wrap(_ text: String, indent: String, hanging: String) -> String {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let prefix = lines.isEmpty ? indent : hanging
            if line.count > prefix.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = hanging + word
            } else {
                line += (line.count > prefix.count ? " " : "") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n") + "\n"
    }
}
