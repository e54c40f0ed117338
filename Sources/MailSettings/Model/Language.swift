/// A language the package writes notes and reasons in.
public enum Language: String, Sendable, Hashable, Codable, CaseIterable {
    /// English, the fallback.
    case english = "en"
    /// Spanish.
    case spanish = "es"

    /// Picks the language from POSIX locale variables, as `gettext` does:
    /// `LC_ALL`, then `LC_MESSAGES`, then `LANG`; English when none names a supported language.
    ///
    /// `es_ES.UTF-8`, `es_MX` and `es` all give Spanish; `C`, `POSIX` and unknown languages give English.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return Language(localeIdentifier: value) ?? .english
        }
        return .english
    }

    /// Reads a locale identifier such as `es_ES.UTF-8`, `es-419` or `en`; nil when unsupported.
    public init?(localeIdentifier: String) {
        let code = localeIdentifier
            .prefix { $0.isLetter }
            .lowercased()
        guard let language = Language(rawValue: code) else { return nil }
        self = language
    }
}
