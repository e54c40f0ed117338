import MailSettings

/// The JSON output of the CLI: pretty, keys in the contract's order, no escaped slashes.
enum LookupJSON {
    /// `lookup --json`.
    static func encode(_ result: LookupResult) -> String {
        result.json.prettyPrinted
    }

    /// `providers --json`.
    static func encode(_ providers: [Provider]) -> String {
        JSONValue.array(providers.map(\.listingJSON)).prettyPrinted
    }
}
