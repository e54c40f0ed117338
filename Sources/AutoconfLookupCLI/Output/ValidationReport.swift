import MailSettings

/// The output of `autoconf-lookup validate`: JSON for scripts, a short report for people.
enum ValidationReport {
    /// `valid`, `errors`, `warnings`, `incoming`, `outgoing`, `notes`, in this order.
    static func json(_ config: ClientConfig, notes: [Note]) -> JSONValue {
        func server(_ server: ClientConfig.Server) -> JSONValue {
            .object([
                ("protocol", .string(server.protocol.rawValue)),
                ("hostname", .string(server.hostname)),
                ("port", .int(server.port)),
                ("security", .string(server.security.rawValue)),
                ("username", .optional(server.username)),  // null when the block has none
                ("authentication", .strings(server.authentication.map(\.rawValue))),
                ("line", server.line.map(JSONValue.int) ?? .null),
            ])
        }
        func diagnostic(_ diagnostic: ClientConfigDiagnostic) -> JSONValue {
            .object([
                ("line", diagnostic.line.map(JSONValue.int) ?? .null),
                ("message", .string(diagnostic.message)),
            ])
        }
        return .object([
            ("valid", .bool(config.isValid)),
            ("errors", .array(config.errors.map(diagnostic))),
            ("warnings", .array(config.warnings.map(diagnostic))),
            ("incoming", .array(config.incoming.map(server))),
            ("outgoing", .array(config.outgoing.map(server))),
            ("notes", .array(notes.map(\.json))),
        ])
    }

    /// `FILE: valid` or `FILE: not valid`, the errors and warnings with their lines, the usable
    /// servers in file order, and the notes.
    static func human(_ config: ClientConfig, notes: [Note], file: String, language: Language) -> String {
        let spanish = language == .spanish
        let text = HumanText(language: language)
        let errors = config.errors
        let warnings = config.warnings
        func count(_ number: Int, _ english: String, _ spanishWord: String) -> String {
            let word = spanish ? spanishWord : english
            return "\(number) \(word)\(number == 1 ? "" : (spanish && word.hasSuffix("r") ? "es" : "s"))"
        }
        var output = "\(file): "
        output += config.isValid ? (spanish ? "válido" : "valid") : (spanish ? "no válido" : "not valid")
        output += " (\(count(errors.count, "error", "error")), \(count(warnings.count, "warning", "aviso")))\n"

        for (heading, list) in [(spanish ? "Errores" : "Errors", errors), (spanish ? "Avisos" : "Warnings", warnings)] where !list.isEmpty {
            output += "\n\(heading)\n"
            for diagnostic in list { output += "  \(diagnostic.description)\n" }
        }

        let columns = [spanish ? "LÍNEA" : "LINE"] + text.columns.dropLast() + [spanish ? "AUTENTICACIÓN" : "AUTHENTICATION"]
        for (heading, servers) in [(spanish ? "Correo entrante" : "Incoming mail", config.incoming), (text.outgoingHeading, config.outgoing)] {
            output += "\n\(heading)\n"
            guard !servers.isEmpty else {
                output += "  \(text.noneFound)\n"
                continue
            }
            let rows = servers.map { server in
                [
                    server.line.map(String.init) ?? "",
                    server.protocol.displayName,
                    server.hostname,
                    String(server.port),
                    text.security(server.security),
                    server.username ?? (spanish ? "(ninguno)" : "(none)"),
                    server.authentication.map(\.rawValue).joined(separator: ", "),
                ]
            }
            output += TextTable.render(header: columns, rows: rows, indent: "  ", rightAligned: [0, 3])
        }

        for kind in Note.Kind.allCases {
            let selected = notes.filter { $0.kind == kind }
            guard !selected.isEmpty else { continue }
            output += "\n" + text.heading(for: kind) + "\n"
            for note in selected {
                output += "  \(text.bullet(for: kind)) \(note.text)\n"
                if let url = note.url { output += "    \(url)\n" }
            }
        }
        return output
    }
}
