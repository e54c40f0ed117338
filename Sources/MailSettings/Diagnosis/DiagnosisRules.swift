/// Turns what probes observed into verdicts a person can act on, in English or Spanish: the
/// support expert's checklist (name, port, SSL/TLS or STARTTLS, POP switched off, app password,
/// port 25 blocked…) written as pure rules.
///
/// ```swift
/// let verdict = DiagnosisRules.verdict(for: observation, language: .spanish)
/// print(verdict.id, verdict.cause, verdict.fix)   // tls-on-plain-port …
/// ```
public enum DiagnosisRules {
    /// The port a protocol uses with implicit TLS: 995, 993, 465.
    public static func implicitTLSPort(_ mailProtocol: MailProtocol) -> Int {
        switch mailProtocol {
        case .pop3: 995
        case .imap: 993
        case .smtp: 465
        }
    }

    /// The port a protocol uses with STARTTLS: 110, 143, 587.
    public static func startTLSPort(_ mailProtocol: MailProtocol) -> Int {
        switch mailProtocol {
        case .pop3: 110
        case .imap: 143
        case .smtp: 587
        }
    }

    /// The protocol a standard port belongs to (110/995 POP3, 143/993 IMAP, 25/465/587 SMTP).
    public static func mailProtocol(forPort port: Int) -> MailProtocol? {
        switch port {
        case 110, 995: .pop3
        case 143, 993: .imap
        case 25, 465, 587: .smtp
        default: nil
        }
    }

    /// How a server is named in verdicts: `pop.example.com:995 (POP3, SSL/TLS)`.
    public static func subject(_ server: ServerSettings, language: Language) -> String {
        let security = server.security == .plain ? (language == .spanish ? "sin cifrar" : "no encryption") : server.security.displayName
        return "\(server.hostname):\(server.port) (\(server.protocol.displayName), \(security))"
    }

    /// The verdict on one probed server.
    public static func verdict(for observation: ProbeObservation, language: Language) -> Verdict {
        let text = Text(language: language, server: observation.server)
        let subject = subject(observation.server, language: language)
        let (id, severity, cause, fix) = judge(observation, text)
        return Verdict(id: id, severity: severity, subject: subject, cause: cause, fix: fix)
    }

    /// Compares the settings a person uses with the best working candidate of the same protocol
    /// and says exactly what to change (`settings-differ`), or that they match (`settings-match`).
    ///
    /// - Parameters:
    ///   - current: the person's settings.
    ///   - best: the candidate to recommend (the best one that a probe confirmed, when there is one).
    ///   - language: the language of the verdict.
    public static func compare(current: ServerSettings, with best: ServerSettings, language: Language) -> Verdict {
        let es = language == .spanish
        var changes: [String] = []
        if current.hostname.lowercased() != best.hostname.lowercased() {
            changes.append(es ? "servidor: \(current.hostname) → \(best.hostname)" : "server: \(current.hostname) → \(best.hostname)")
        }
        if current.port != best.port {
            changes.append(es ? "puerto: \(current.port) → \(best.port)" : "port: \(current.port) → \(best.port)")
        }
        if current.security != best.security {
            let from = Text.securityName(current.security, es)
            let to = Text.securityName(best.security, es)
            changes.append(es ? "seguridad: \(from) → \(to)" : "security: \(from) → \(to)")
        }
        let subject = subject(current, language: language)
        guard !changes.isEmpty else {
            return Verdict(
                id: "settings-match", severity: .ok, subject: subject,
                cause: es ? "Tus ajustes coinciden con los recomendados." : "Your settings match the recommended ones.",
                fix: "")
        }
        return Verdict(
            id: "settings-differ", severity: .problem, subject: subject,
            cause: es
                ? "Tus ajustes no coinciden con los que funcionan: \(Self.subject(best, language: language))."
                : "Your settings differ from the ones that work: \(Self.subject(best, language: language)).",
            fix: (es ? "Cambia " : "Change ") + changes.joined(separator: "; ") + ".")
    }

    private static func judge(_ observation: ProbeObservation, _ t: Text) -> (String, Verdict.Severity, String, String) {
        let server = observation.server
        let port = server.port
        let tlsPort = implicitTLSPort(server.protocol)
        let plainPort = startTLSPort(server.protocol)
        switch observation.problem {
        case .noAddress(let detail):
            return ("dns-no-address", .problem,
                    t.say("\(server.hostname) has no address in DNS (\(detail)).",
                          "\(server.hostname) no tiene dirección en el DNS (\(detail))."),
                    t.say("Check the spelling of the server name: it is usually on your provider's help pages.",
                          "Revisa cómo está escrito el nombre del servidor: suele estar en las páginas de ayuda de tu proveedor."))
        case .connectionRefused:
            return ("connection-refused", .problem,
                    t.say("Nothing answers on port \(port) of \(server.hostname): the connection was refused.",
                          "Nada responde en el puerto \(port) de \(server.hostname): la conexión fue rechazada."),
                    t.say("Check the server name and the port (\(server.protocol.displayName) uses \(tlsPort) with SSL/TLS or \(plainPort) with STARTTLS); if both are right, a firewall is rejecting the connection.",
                          "Revisa el nombre del servidor y el puerto (\(server.protocol.displayName) usa \(tlsPort) con SSL/TLS o \(plainPort) con STARTTLS); si ambos están bien, un cortafuegos rechaza la conexión."))
        case .connectTimedOut where server.protocol == .smtp && port == 25:
            return ("port-25-blocked", .problem,
                    t.say("Port 25 of \(server.hostname) did not answer: many internet providers block port 25 for their customers, to stop spam.",
                          "El puerto 25 de \(server.hostname) no respondió: muchos proveedores de internet bloquean el puerto 25 a sus clientes para frenar el spam."),
                    t.say("Send through port 465 with SSL/TLS or 587 with STARTTLS, and your user name and password.",
                          "Envía por el puerto 465 con SSL/TLS o por el 587 con STARTTLS, con tu usuario y contraseña."))
        case .connectTimedOut:
            return ("connection-timed-out", .problem,
                    t.say("Port \(port) of \(server.hostname) did not answer in time: the connection attempt was dropped on the way.",
                          "El puerto \(port) de \(server.hostname) no respondió a tiempo: el intento de conexión se perdió por el camino."),
                    t.say("A firewall (yours, your network's or the server's) may be dropping it, or the name or port is wrong. Try another network to tell which.",
                          "Puede que un cortafuegos (tuyo, de tu red o del servidor) la descarte, o que el nombre o el puerto estén mal. Prueba desde otra red para saber cuál."))
        case .connectFailed(let detail):
            return ("connection-failed", .problem,
                    t.say("Could not connect to \(server.hostname) port \(port): \(detail).",
                          "No se pudo conectar con \(server.hostname), puerto \(port): \(detail)."),
                    t.say("Check your internet connection, then the server name.",
                          "Revisa tu conexión a internet y después el nombre del servidor."))
        case .tlsOnPlainPort:
            return ("tls-on-plain-port", .problem,
                    t.say("You chose SSL/TLS on port \(port), but the server there starts without encryption.",
                          "Elegiste SSL/TLS en el puerto \(port), pero allí el servidor empieza sin cifrar."),
                    t.say("Use port \(tlsPort) with SSL/TLS, or keep port \(port) and choose STARTTLS.",
                          "Usa el puerto \(tlsPort) con SSL/TLS, o deja el puerto \(port) y elige STARTTLS."))
        case .silentServer where port == tlsPort && server.security != .tls:
            return ("plain-on-tls-port", .problem,
                    t.say("Port \(port) expects encryption from the first byte (SSL/TLS), but the setting was \(Text.securityName(server.security, t.es)): the server waits and says nothing.",
                          "El puerto \(port) espera cifrado desde el primer byte (SSL/TLS), pero el ajuste era \(Text.securityName(server.security, t.es)): el servidor espera y no dice nada."),
                    t.say("Choose SSL/TLS for port \(port), or use port \(plainPort) with STARTTLS.",
                          "Elige SSL/TLS para el puerto \(port), o usa el puerto \(plainPort) con STARTTLS."))
        case .silentServer:
            return ("server-silent", .problem,
                    t.say("The connection to port \(port) opened, but the server said nothing.",
                          "La conexión al puerto \(port) se abrió, pero el servidor no dijo nada."),
                    t.say("If the port expects SSL/TLS, choose SSL/TLS; otherwise the server is overloaded or not a mail server: check the name and port.",
                          "Si el puerto espera SSL/TLS, elige SSL/TLS; si no, el servidor está saturado o no es de correo: revisa el nombre y el puerto."))
        case .tlsFailed(let detail):
            return ("tls-failed", .problem,
                    t.say("The encrypted connection could not be set up: \(detail).",
                          "No se pudo establecer la conexión cifrada: \(detail)."),
                    t.say("The server may only speak old TLS versions, or something on the network interferes. Try STARTTLS on port \(plainPort), or another network.",
                          "Puede que el servidor solo hable versiones antiguas de TLS, o que algo en la red interfiera. Prueba STARTTLS en el puerto \(plainPort), u otra red."))
        case .certificateUntrusted(let detail):
            return ("certificate-untrusted", .problem,
                    t.say("The server's certificate is not signed by an authority this computer trusts (\(detail)).",
                          "El certificado del servidor no lo firma una autoridad en la que confíe este equipo (\(detail))."),
                    t.say("Check that the server name is your provider's; a server of your own with a self-signed certificate needs its certificate installed (--cacert). Never accept an unknown certificate on a public network.",
                          "Comprueba que el nombre del servidor es el de tu proveedor; un servidor propio con certificado autofirmado necesita instalar su certificado (--cacert). Nunca aceptes un certificado desconocido en una red pública."))
        case .certificateNameMismatch(let detail):
            return ("certificate-name-mismatch", .problem,
                    t.say("The server's certificate is not made out to \(server.hostname) (\(detail)).",
                          "El certificado del servidor no está a nombre de \(server.hostname) (\(detail))."),
                    t.say("Use the server name your provider gives (the one in its certificate); names like mail.yourdomain often lead to a shared server with another name.",
                          "Usa el nombre de servidor que da tu proveedor (el de su certificado); nombres como mail.tudominio suelen llevar a un servidor compartido con otro nombre."))
        case .session(let failure):
            return judge(failure, server, t)
        case .loginRejected(let rejection, let reply):
            return judge(rejection, reply: reply, server, t)
        case .timedOut(let step):
            return ("timed-out", .problem,
                    t.say("The server stopped answering during the \(step.rawValue) step.",
                          "El servidor dejó de responder durante el paso \(step.rawValue)."),
                    t.say("Try again later; if it keeps happening, the server or a firewall between you is at fault.",
                          "Vuelve a intentarlo más tarde; si se repite, el fallo está en el servidor o en un cortafuegos intermedio."))
        case nil:
            return judgeSuccess(observation, t)
        }
    }

    private static func judge(_ failure: SessionFailure, _ server: ServerSettings, _ t: Text) -> (String, Verdict.Severity, String, String) {
        let port = server.port
        let tlsPort = implicitTLSPort(server.protocol)
        let reply = failure.reply.map { " “\(Text.clip($0))”" } ?? ""
        switch failure.kind {
        case .notThisProtocol:
            let other = failure.guessedProtocol?.displayName ?? t.say("another protocol", "otro protocolo")
            let ports = "\(implicitTLSPort(server.protocol)) / \(startTLSPort(server.protocol))"
            return ("wrong-protocol", .problem,
                    t.say("Port \(port) of \(server.hostname) speaks \(other), not \(server.protocol.displayName).",
                          "El puerto \(port) de \(server.hostname) habla \(other), no \(server.protocol.displayName)."),
                    t.say("\(server.protocol.displayName) uses ports \(ports) (SSL/TLS / STARTTLS): correct the port.",
                          "\(server.protocol.displayName) usa los puertos \(ports) (SSL/TLS / STARTTLS): corrige el puerto."))
        case .startTLSNotOffered:
            return ("starttls-not-offered", .problem,
                    t.say("The server on port \(port) does not offer STARTTLS: the password would cross the network unencrypted.",
                          "El servidor del puerto \(port) no ofrece STARTTLS: la contraseña viajaría sin cifrar."),
                    t.say("Use port \(tlsPort) with SSL/TLS. Never send your password without encryption.",
                          "Usa el puerto \(tlsPort) con SSL/TLS. Nunca envíes tu contraseña sin cifrar."))
        case .startTLSRefused:
            return ("starttls-refused", .problem,
                    t.say("The server refused to start encryption (STARTTLS):\(reply).",
                          "El servidor se negó a iniciar el cifrado (STARTTLS):\(reply)."),
                    t.say("Use port \(tlsPort) with SSL/TLS instead.",
                          "Usa en su lugar el puerto \(tlsPort) con SSL/TLS."))
        case .badGreeting:
            return ("bad-greeting", .problem,
                    t.say("The server turned the connection away:\(reply).",
                          "El servidor rechazó la conexión:\(reply)."),
                    t.say("It may be overloaded, or it blocks your network; try later or from another network.",
                          "Puede estar saturado, o bloquear tu red; prueba más tarde o desde otra red."))
        case .unsendableCredentials:
            return ("unsendable-credentials", .problem,
                    t.say("The user name or the password contains a line break or a NUL character, which no mail protocol can carry.",
                          "El usuario o la contraseña contienen un salto de línea o un carácter NUL, que ningún protocolo de correo puede transmitir."),
                    t.say("Type them again without line breaks (a pasted password often brings one along).",
                          "Escríbelos de nuevo sin saltos de línea (una contraseña pegada suele traer uno)."))
        case .lineTooLong:
            return ("protocol-error", .problem,
                    t.say("The server sent a line longer than any \(server.protocol.displayName) reply can be, and we hung up: it is not speaking \(server.protocol.displayName) as expected.",
                          "El servidor envió una línea más larga de lo que puede ser una respuesta \(server.protocol.displayName), y colgamos: no habla \(server.protocol.displayName) como se espera."),
                    t.say("Check the host name and the port; if they are right, the server is broken: tell its administrator.",
                          "Comprueba el nombre del servidor y el puerto; si son correctos, el servidor falla: avisa a su administrador."))
        case .closedEarly:
            return ("protocol-error", .problem,
                    t.say("The server hung up in the middle of the conversation\(reply.isEmpty ? "" : ", after saying\(reply)").",
                          "El servidor colgó en mitad de la conversación\(reply.isEmpty ? "" : ", tras decir\(reply)")."),
                    t.say("Check that this is a \(server.protocol.displayName) server; if it is, try again later.",
                          "Comprueba que es un servidor \(server.protocol.displayName); si lo es, vuelve a intentarlo más tarde."))
        case .unexpectedReply:
            return ("protocol-error", .problem,
                    t.say("The server gave an answer that makes no sense at this point of the conversation\(reply.isEmpty ? "" : ":\(reply)").",
                          "El servidor dio una respuesta que no tiene sentido en este punto de la conversación\(reply.isEmpty ? "" : ":\(reply)")."),
                    t.say("Check that this is a \(server.protocol.displayName) server; if it is, try again later.",
                          "Comprueba que es un servidor \(server.protocol.displayName); si lo es, vuelve a intentarlo más tarde."))
        }
    }

    private static func judge(
        _ rejection: LoginRejection, reply: String, _ server: ServerSettings, _ t: Text
    ) -> (String, Verdict.Severity, String, String) {
        let said = t.say(" The server said: “\(Text.clip(reply))”.", " El servidor dijo: «\(Text.clip(reply))».")
        switch rejection {
        case .badCredentials:
            return ("bad-credentials", .problem,
                    t.say("The server refused the user name or the password.", "El servidor rechazó el usuario o la contraseña.") + said,
                    t.say("Check both. The user name is usually your full address; if they are right and the account uses two-step verification, create an app password.",
                          "Revisa ambos. El usuario suele ser tu dirección completa; si están bien y la cuenta usa verificación en dos pasos, crea una contraseña de aplicación."))
        case .popDisabled:
            return ("pop-disabled", .problem,
                    t.say("Your password is right, but POP access is switched off for this account.",
                          "Tu contraseña es correcta, pero el acceso POP está desactivado en esta cuenta.") + said,
                    t.say("Open your web mail's settings, enable POP (\"Forwarding and POP/IMAP\" or similar), save, and try again.",
                          "Abre los ajustes de tu correo web, activa POP («Reenvío y correo POP/IMAP» o similar), guarda y vuelve a intentarlo."))
        case .appPasswordRequired:
            return ("app-password-required", .problem,
                    t.say("The account uses two-step verification: mail programs need an app password, not your normal password.",
                          "La cuenta usa verificación en dos pasos: los programas de correo necesitan una contraseña de aplicación, no la habitual.") + said,
                    t.say("Create an app password in your account's security settings and type it instead of your password.",
                          "Crea una contraseña de aplicación en los ajustes de seguridad de tu cuenta y escríbela en lugar de tu contraseña."))
        case .webLoginRequired:
            return ("web-login-required", .problem,
                    t.say("The provider wants you to sign in on its web site first (a security check).",
                          "El proveedor quiere que primero entres en su web (una comprobación de seguridad).") + said,
                    t.say("Sign in to your web mail in a browser, confirm it was you, then try again.",
                          "Entra en tu correo web con un navegador, confirma que eras tú y vuelve a intentarlo."))
        case .accountLocked:
            return ("account-locked", .problem,
                    t.say("The account is locked or suspended.", "La cuenta está bloqueada o suspendida.") + said,
                    t.say("Sign in on the provider's web site to unlock it, or contact the provider.",
                          "Entra en la web del proveedor para desbloquearla, o contacta con el proveedor."))
        case .encryptionRequired:
            return ("encryption-required", .problem,
                    t.say("The server accepts passwords only over an encrypted connection.",
                          "El servidor solo acepta contraseñas por una conexión cifrada.") + said,
                    t.say("Choose SSL/TLS (port \(implicitTLSPort(server.protocol))) or STARTTLS (port \(startTLSPort(server.protocol))).",
                          "Elige SSL/TLS (puerto \(implicitTLSPort(server.protocol))) o STARTTLS (puerto \(startTLSPort(server.protocol)))."))
        case .oauthOnly:
            return ("oauth-only", .problem,
                    t.say("The provider no longer accepts passwords from mail programs: it requires signing in through its own page (OAuth2).",
                          "El proveedor ya no acepta contraseñas desde programas de correo: exige entrar por su propia página (OAuth2).") + said,
                    t.say("Use a mail program that supports OAuth2 sign-in for this provider.",
                          "Usa un programa de correo que admita el inicio de sesión OAuth2 de este proveedor."))
        case .temporaryFailure:
            return ("temporary-failure", .warning,
                    t.say("The server could not check the login right now.", "El servidor no pudo comprobar el acceso en este momento.") + said,
                    t.say("Try again in a few minutes.", "Vuelve a intentarlo dentro de unos minutos."))
        case .unknown:
            return ("login-refused", .problem,
                    t.say("The server refused the login.", "El servidor rechazó el acceso.") + said,
                    t.say("Read the server's words above; check the user name and password.",
                          "Lee lo que dijo el servidor; revisa el usuario y la contraseña."))
        }
    }

    private static func judgeSuccess(_ observation: ProbeObservation, _ t: Text) -> (String, Verdict.Severity, String, String) {
        let server = observation.server
        var parts: [String] = []
        if let version = observation.tlsVersion { parts.append(t.say("encrypted (\(version))", "cifrado (\(version))")) }
        if let session = observation.session {
            if server.security == .plain, session.startTLSOffered { parts.append(t.say("STARTTLS offered", "ofrece STARTTLS")) }
            if !session.authenticationMechanisms.isEmpty {
                parts.append(t.say("sign-in: ", "acceso: ") + session.authenticationMechanisms.joined(separator: " "))
            }
        }
        let what = parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")
        if server.security == .plain {
            return ("insecure-connection", .warning,
                    t.say("The server answers without encryption\(what); the password would cross the network readable.",
                          "El servidor responde sin cifrar\(what); la contraseña viajaría legible."),
                    t.say("Use port \(implicitTLSPort(server.protocol)) with SSL/TLS, or STARTTLS.",
                          "Usa el puerto \(implicitTLSPort(server.protocol)) con SSL/TLS, o STARTTLS."))
        }
        if case .accepted? = observation.session?.login {
            return ("login-ok", .ok, t.say("Signed in successfully\(what).", "Acceso correcto\(what)."), "")
        }
        return ("server-ok", .ok, t.say("The server answers\(what).", "El servidor responde\(what)."), "")
    }

    /// The words of one verdict, in one language.
    private struct Text {
        let es: Bool

        init(language: Language, server: ServerSettings) {
            es = language == .spanish
        }

        func say(_ english: String, _ spanish: String) -> String { es ? spanish : english }

        static func securityName(_ security: ConnectionSecurity, _ es: Bool) -> String {
            security == .plain ? (es ? "sin cifrar" : "no encryption") : security.displayName
        }

        /// A server's words, cut to a readable length and stripped of control characters.
        static func clip(_ reply: String) -> String {
            let printable = String(reply.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
            return printable.count > 160 ? String(printable.prefix(157)) + "…" : printable
        }
    }
}
