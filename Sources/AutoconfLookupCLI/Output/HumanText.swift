import MailSettings

/// The words of the human output, in English and Spanish.
struct HumanText {
    var language: Language

    private var spanish: Bool { language == .spanish }

    func incomingHeading(preferred: MailProtocol) -> String {
        spanish
            ? "Correo entrante (\(preferred.displayName) primero)"
            : "Incoming mail (\(preferred.displayName) first)"
    }

    var outgoingHeading: String { spanish ? "Correo saliente" : "Outgoing mail" }
    var sourcesHeading: String { spanish ? "Fuentes" : "Sources" }
    var noneFound: String { spanish ? "(no se encontró ninguno)" : "(none found)" }

    var columns: [String] {
        spanish
            ? ["PROTOCOLO", "SERVIDOR", "PUERTO", "SEGURIDAD", "USUARIO", "PUNTOS"]
            : ["PROTOCOL", "SERVER", "PORT", "SECURITY", "USER NAME", "SCORE"]
    }

    func heading(for kind: Note.Kind) -> String {
        switch kind {
        case .action: spanish ? "Antes de empezar" : "Do this first"
        case .warning: spanish ? "Cuidado" : "Watch out"
        case .info: spanish ? "Conviene saber" : "Good to know"
        }
    }

    func bullet(for kind: Note.Kind) -> String {
        switch kind {
        case .action: "→"
        case .warning: "!"
        case .info: "·"
        }
    }

    func security(_ security: ConnectionSecurity) -> String {
        security == .plain ? (spanish ? "ninguna" : "none") : security.displayName
    }

    /// Shows a user-name template in words when no address was given.
    func username(_ username: String) -> String {
        username
            .replacing("%EMAILADDRESS%", with: spanish ? "<tu dirección>" : "<your address>")
            .replacing("%EMAILLOCALPART%", with: spanish ? "<nombre antes de @>" : "<name before @>")
            .replacing("%EMAILDOMAIN%", with: spanish ? "<dominio>" : "<domain>")
    }

    /// The line after a table when sources give the user name in different forms.
    func alternativeUsernames(_ username: String, alternatives: [String]) -> String {
        let others = alternatives.map(self.username).joined(separator: spanish ? " o " : " or ")
        return spanish
            ? "Si el servidor rechaza \(self.username(username)) como nombre de usuario, prueba con \(others)."
            : "If the server refuses \(self.username(username)) as the user name, try \(others)."
    }

    func status(_ status: SourceReport.Status) -> String {
        switch status {
        case .found: spanish ? "encontrado" : "found"
        case .empty: spanish ? "vacío" : "empty"
        case .failed: spanish ? "falló" : "failed"
        case .skipped: spanish ? "omitido" : "skipped"
        }
    }
}
