/// The body of an Exchange Autodiscover "POX" request (the Outlook 2006 request schema).
public enum AutodiscoverRequest {
    /// The request XML asking for the settings of `address`; the address is escaped for XML.
    public static func body(for address: EmailAddress) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
          <Request>
            <EMailAddress>\(escaped(address.ascii))</EMailAddress>
            <AcceptableResponseSchema>\(AutodiscoverResponse.outlookSchema)</AcceptableResponseSchema>
          </Request>
        </Autodiscover>

        """
    }

    /// Escapes the five XML metacharacters.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
