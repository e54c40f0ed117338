/// Turning a parsed file into what a lookup uses: a ``SourceFinding`` and notes.
extension ClientConfig {
    /// The provider as a lookup names it: the `<emailProvider id>` (or the first domain) and
    /// the display name; nil when the file names neither.
    public var providerSummary: LookupResult.ProviderSummary? {
        guard let id = providerID ?? domains.first else { return nil }
        return LookupResult.ProviderSummary(id: id, name: displayName ?? displayShortName ?? id)
    }

    /// The usable servers as ``ServerSettings``, in file order, placeholders as written. An SMTP
    /// server without `<username>` uses the first incoming server's (as Thunderbird does), else
    /// `%EMAILADDRESS%`.
    public var serverSettings: [ServerSettings] {
        let fallback = incoming.lazy.compactMap(\.username).first ?? Placeholders.emailAddress
        return servers.map { $0.settings(defaultUsername: fallback) }
    }

    /// What this file contributes to a lookup.
    ///
    /// - Parameters:
    ///   - source: where the file came from (`autoconfig-https`, `ispdb` …).
    ///   - trusted: true when it could not have been altered on the way (HTTPS).
    ///   - confidence: how sure the source is; a provider's own file is `.high`.
    public func finding(source: SourceID, trusted: Bool, confidence: Provider.Confidence = .high) -> SourceFinding {
        SourceFinding(
            source: source, trusted: trusted, confidence: confidence, provider: providerSummary,
            servers: serverSettings, notes: noteRequests)
    }

    /// The note id an `<enable>` block becomes: `enable-pop` or `enable-imap` when the file offers
    /// only that incoming protocol, else `enable-access`.
    public var enableNoteID: String {
        let protocols = Set(incoming.map(\.protocol))
        if protocols == [.pop3] { return "enable-pop" }
        if protocols == [.imap] { return "enable-imap" }
        return "enable-access"
    }

    /// The notes the file itself asks for: one action per `<enable>`, with its `<instruction>`
    /// text for each language and its `visiturl` when that is https.
    ///
    /// Each language gets the file's instruction in that language, else its English one (`en`
    /// or no `lang`), else its first one in any language, in file order; our own words only when
    /// the block has no instruction at all (the provider's words, even in another language,
    /// say more than a general sentence).
    public var noteRequests: [NoteRequest] {
        let id = enableNoteID
        let name = displayShortName ?? displayName
        return enable.map { block in
            let instructions = block.instructions.filter { !$0.text.allSatisfy(\.isWhitespace) }
            var texts: [Language: String] = [:]
            for language in Language.allCases {
                let text = instructions.first { $0.language == language }
                    ?? instructions.first { $0.language == .english }
                    ?? instructions.first
                texts[language] = text?.text ?? Self.enableText(id: id, provider: name, language: language)
            }
            let url = block.visitURL.flatMap { $0.lowercased().hasPrefix("https://") ? $0 : nil }
            return NoteRequest(id: id, url: url, texts: texts, kind: .action)
        }
    }

    /// Our own words for an `<enable>` block without an instruction in `language`.
    static func enableText(id: String, provider: String?, language: Language) -> String {
        switch (language, id) {
        case (.english, "enable-pop"):
            return "Switch on POP access in the \(provider ?? "provider's") web mail settings before adding this account to a mail program."
        case (.english, "enable-imap"):
            return "Switch on IMAP access in the \(provider ?? "provider's") web mail settings before adding this account to a mail program."
        case (.english, _):
            return "Switch on access for mail programs (POP, IMAP, SMTP) in the \(provider ?? "provider's") web mail settings before adding this account."
        case (.spanish, "enable-pop"):
            return "Activa el acceso POP en la configuración del correo web \(provider.map { "de \($0)" } ?? "del proveedor") antes de añadir esta cuenta a un programa de correo."
        case (.spanish, "enable-imap"):
            return "Activa el acceso IMAP en la configuración del correo web \(provider.map { "de \($0)" } ?? "del proveedor") antes de añadir esta cuenta a un programa de correo."
        case (.spanish, _):
            return "Activa el acceso para programas de correo (POP, IMAP, SMTP) en la configuración del correo web \(provider.map { "de \($0)" } ?? "del proveedor") antes de añadir esta cuenta."
        }
    }

    /// The notes a person would get for this file in a lookup: its `<enable>` actions, then the
    /// general rules (`insecure-port`, `port-25-blocked`, `oauth-only` for any OAuth2-only
    /// server, `tls-vs-starttls` …), one per id, actions first.
    public func notes(language: Language, catalog: NoteCatalog = KnowledgeBase.bundled.notes) -> [Note] {
        let settings = serverSettings
        let candidates = settings.map { Candidate(settings: $0, sources: [], trusted: true, score: 1) }
        let provider = displayName ?? displayShortName
        var requests = noteRequests
        requests += NoteRules.notes(
            incoming: candidates.filter { $0.settings.protocol.isIncoming },
            outgoing: candidates.filter { !$0.settings.protocol.isIncoming },
            provider: provider,
            domain: domains.first ?? providerID ?? "",
            confidence: nil,
            preferred: incoming.first?.protocol ?? .pop3)
        if settings.contains(where: \.isOAuthOnly) {
            requests.append(NoteRequest(id: "oauth-only", values: ["provider": provider ?? ""]))
        }
        return LookupAssembler.render(requests, catalog: catalog, language: language, providerName: provider)
    }
}
