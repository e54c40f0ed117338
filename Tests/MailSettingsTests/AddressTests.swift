import Foundation
import Testing

@testable import MailSettings

/// The error an input gives, whichever way it is parsed.
private enum Parse: Sendable {
    case address, domain, query

    func run(_ input: String) throws(AddressError) {
        switch self {
        case .address: _ = try EmailAddress(input)
        case .domain: _ = try DomainName(input)
        case .query: _ = try MailQuery(parsing: input)
        }
    }
}

/// One input that must be refused, and the code it must be refused with.
private struct Refusal: Sendable, CustomTestStringConvertible {
    var input: String
    var code: AddressError.Code
    var parse: Parse = .query

    var testDescription: String { "\(parse) \(AddressError.quoted(input)) → \(code)" }
}

private let longLabel = String(repeating: "a", count: 64)
private let label63 = String(repeating: "b", count: 63)
/// 4 × 63 + 3 dots = 255 octets.
private let name255 = [label63, label63, label63, label63].joined(separator: ".")

private let refusals: [Refusal] = [
    // Empty.
    Refusal(input: "", code: .empty),
    Refusal(input: "  \n\t ", code: .empty),
    Refusal(input: "", code: .empty, parse: .address),
    Refusal(input: " ", code: .empty, parse: .domain),
    // @ signs.
    Refusal(input: "a@@b.com", code: .tooManyAtSigns),
    Refusal(input: "alice@bob@example.com", code: .tooManyAtSigns),
    Refusal(input: "example.com", code: .missingAtSign, parse: .address),
    Refusal(input: "@example.com", code: .emptyLocalPart),
    Refusal(input: "alice@", code: .emptyDomain),
    Refusal(input: "alice@.", code: .emptyDomain),
    Refusal(input: ".", code: .emptyDomain, parse: .domain),
    // Lengths.
    Refusal(input: "alice@\(longLabel).com", code: .labelTooLong),
    Refusal(input: "\(longLabel).com", code: .labelTooLong),
    Refusal(input: "alice@" + String(repeating: "ü", count: 60) + ".de", code: .labelTooLong),
    Refusal(input: "alice@\(name255)", code: .nameTooLong),
    Refusal(input: name255, code: .nameTooLong),
    Refusal(input: String(repeating: "a", count: 65) + "@example.com", code: .localPartTooLong),
    Refusal(input: String(repeating: "é", count: 33) + "@example.com", code: .localPartTooLong),
    // Spaces, control and invisible characters.
    Refusal(input: "ali ce@example.com", code: .invalidCharacter),
    Refusal(input: "alice@exa mple.com", code: .invalidCharacter),
    Refusal(input: "alice @ example.com", code: .invalidCharacter),
    Refusal(input: "exa mple.com", code: .invalidCharacter),
    Refusal(input: "a\tb@example.com", code: .invalidCharacter),
    Refusal(input: "alice@example.com\u{0}", code: .invalidCharacter),
    Refusal(input: "alice@exa\u{7}mple.com", code: .invalidCharacter),
    Refusal(input: "alice\r\n@example.com", code: .invalidCharacter),
    Refusal(input: "alice\u{7F}@example.com", code: .invalidCharacter),
    Refusal(input: "alice\u{A0}@example.com", code: .invalidCharacter),
    Refusal(input: "alice\u{200B}@example.com", code: .invalidCharacter),
    Refusal(input: "alice@exam\u{202E}ple.com", code: .invalidCharacter),
    Refusal(input: "exam\u{2028}ple.com", code: .invalidCharacter),
    // Characters a host name cannot hold.
    Refusal(input: "alice@exa_mple.com", code: .invalidCharacter),
    Refusal(input: "alice@example!.com", code: .invalidCharacter),
    Refusal(input: "alice@bücher!.de", code: .invalidCharacter),
    Refusal(input: "alice@例え、テスト.jp", code: .invalidCharacter),
    Refusal(input: "alice@example.com:993", code: .invalidCharacter),
    Refusal(input: "example.com:993", code: .invalidCharacter),
    Refusal(input: "https://example.com", code: .invalidCharacter),
    Refusal(input: "example.com/mail", code: .invalidCharacter),
    Refusal(input: "ｅｘａｍｐｌｅ＿.com", code: .invalidCharacter),
    // Labels.
    Refusal(input: "alice@a..b.com", code: .invalidLabel),
    Refusal(input: "a..b", code: .invalidLabel),
    Refusal(input: "alice@.example.com", code: .invalidLabel),
    Refusal(input: "gmail.com..", code: .invalidLabel),
    Refusal(input: "alice@gmail.com..", code: .invalidLabel),
    Refusal(input: "alice@-example.com", code: .invalidLabel),
    Refusal(input: "alice@example-.com", code: .invalidLabel),
    Refusal(input: "alice@-españa.es", code: .invalidLabel),
    Refusal(input: "alice@\u{301}a.es", code: .invalidLabel),
    // Punycode.
    Refusal(input: "alice@xn--.com", code: .invalidPunycode),
    Refusal(input: "alice@xn--a.com", code: .invalidPunycode),
    Refusal(input: "alice@xn--abc-.com", code: .invalidPunycode),
    Refusal(input: "xn--zzzzzzzzzzzzzzzzzzzz.com", code: .invalidPunycode),
    Refusal(input: "xn--ber-ska.de", code: .invalidPunycode),  // decodes to "Über": not lower-case
    Refusal(input: "xn--ib9b.com", code: .invalidPunycode),
    Refusal(input: "xn--espana-0xd.es", code: .invalidPunycode),  // decodes to "españa" decomposed (NFD)
    Refusal(input: "xn--tda.xn--", code: .invalidPunycode),
    Refusal(input: "alice@xn--espaa-rtaü.es", code: .invalidLabel),
    // IP addresses.
    Refusal(input: "alice@[127.0.0.1]", code: .ipLiteral),
    Refusal(input: "alice@127.0.0.1", code: .ipLiteral),
    Refusal(input: "alice@[IPv6:::1]", code: .ipLiteral),
    Refusal(input: "alice@[IPv6:2001:db8::1]", code: .ipLiteral),
    Refusal(input: "alice@123", code: .ipLiteral),
    Refusal(input: "127.0.0.1", code: .ipLiteral),
    Refusal(input: "192.168.1.1.", code: .ipLiteral),
    Refusal(input: "[192.168.1.1]", code: .ipLiteral),
    Refusal(input: "::1", code: .ipLiteral),
    Refusal(input: "2001:db8::25", code: .ipLiteral),
    Refusal(input: "[::1]", code: .ipLiteral),
    Refusal(input: "IPv6:::1", code: .ipLiteral, parse: .domain),
    // One label only.
    Refusal(input: "alice@localhost", code: .singleLabel),
    Refusal(input: "alice@com.", code: .singleLabel),
    Refusal(input: "localhost", code: .singleLabel),
    Refusal(input: "alice", code: .singleLabel),
    Refusal(input: "alice@españa", code: .singleLabel),
    // Quoted local parts and other address syntax we do not take.
    Refusal(input: "\"alice\"@example.com", code: .invalidCharacter),
    Refusal(input: "\"john doe\"@example.com", code: .invalidCharacter),
    Refusal(input: "Alice <alice@example.com>", code: .invalidCharacter),
    Refusal(input: "<alice@example.com>", code: .invalidCharacter),
    Refusal(input: "a<b@example.com", code: .invalidCharacter),
    Refusal(input: "a>b@example.com", code: .invalidCharacter),
    Refusal(input: "(comment)alice@example.com", code: .invalidCharacter),
    Refusal(input: "a,b@example.com", code: .invalidCharacter),
    Refusal(input: "a;b@example.com", code: .invalidCharacter),
    Refusal(input: "mailto:alice@example.com", code: .invalidCharacter),
    Refusal(input: "a\\b@example.com", code: .invalidCharacter),
    Refusal(input: "a[b]@example.com", code: .invalidCharacter),
]

/// The control characters, by category, that must never reach a message raw.
private func hasRawInvisible(_ text: String) -> Bool {
    text.unicodeScalars.contains { AddressError.isInvisible($0) }
}

@Suite("Email addresses and domain names")
struct AddressTests {
    // MARK: Domains

    @Test(
        "normalises domain names",
        arguments: [
            ("example.com", "example.com", "example.com"),
            ("EXAMPLE.COM", "example.com", "example.com"),
            ("  Example.Com.\n", "example.com", "example.com"),
            ("gmail.com.", "gmail.com", "gmail.com"),
            ("mail.sub.example.co.uk", "mail.sub.example.co.uk", "mail.sub.example.co.uk"),
            ("r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"),
            ("1and1.com", "1and1.com", "1and1.com"),
            ("example.123x", "example.123x", "example.123x"),
            ("españa.es", "xn--espaa-rta.es", "españa.es"),
            ("ESPAÑA.ES", "xn--espaa-rta.es", "españa.es"),
            ("espan\u{303}a.es", "xn--espaa-rta.es", "españa.es"),  // NFD input
            ("xn--espaa-rta.es", "xn--espaa-rta.es", "españa.es"),
            ("XN--ESPAA-RTA.ES.", "xn--espaa-rta.es", "españa.es"),
            ("bücher.de", "xn--bcher-kva.de", "bücher.de"),
            ("xn--bcher-kva.de", "xn--bcher-kva.de", "bücher.de"),
            ("münchen.de", "xn--mnchen-3ya.de", "münchen.de"),
            ("例え.テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
            ("例え。テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
            ("例え．テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
            ("例え｡テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
            ("例え.テスト。", "xn--r8jz45g.xn--zckzah", "例え.テスト"),
            ("пример.рф", "xn--e1afmkfd.xn--p1ai", "пример.рф"),
            ("ПРИМЕР.РФ", "xn--e1afmkfd.xn--p1ai", "пример.рф"),
            ("xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai", "пример.рф"),
            ("παράδειγμα.δοκιμή", "xn--hxajbheg2az3al.xn--jxalpdlp", "παράδειγμα.δοκιμή"),
            ("ドメイン名例.jp", "xn--eckwd4c7cu47r2wf.jp", "ドメイン名例.jp"),
            ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com", "example.com"),
            ("ＥＸＡＭＰＬＥ.com", "example.com", "example.com"),
            ("mail.bücher.de", "mail.xn--bcher-kva.de", "mail.bücher.de"),
        ])
    func normalisesDomain(_ input: String, _ ascii: String, _ unicode: String) throws {
        let domain = try DomainName(input)
        #expect(domain.ascii == ascii)
        #expect(domain.unicode == unicode)
        #expect(domain.description == ascii)
        #expect(try DomainName(ascii) == domain)
        #expect(try DomainName(unicode) == domain)
    }

    @Test("Unicode and punycode input give equal values")
    func unicodeEqualsPunycode() throws {
        let unicode = try DomainName("españa.es")
        let punycode = try DomainName("xn--espaa-rta.es")
        #expect(unicode == punycode)
        #expect(unicode.hashValue == punycode.hashValue)
        #expect(Set([unicode, punycode]).count == 1)
        #expect(try DomainName("пример.рф") == DomainName("XN--E1AFMKFD.XN--P1AI"))
    }

    @Test("trims Unicode white space around the input, newlines too")
    func trimsWhiteSpace() throws {
        #expect(try DomainName("\u{3000}example.com\u{A0}\r\n").ascii == "example.com")
        #expect(try EmailAddress("\t alice@example.com \n").ascii == "alice@example.com")
        #expect(try MailQuery(parsing: "\u{2003}example.com") == .domain(DomainName("example.com")))
    }

    @Test("labels are those of the ASCII form")
    func labels() throws {
        #expect(try DomainName("Mail.Bücher.DE.").labels == ["mail", "xn--bcher-kva", "de"])
        #expect(try DomainName("example.com").labels == ["example", "com"])
    }

    @Test("limits: a 63-octet label and a 253-octet name are fine")
    func limits() throws {
        let domain = try DomainName("\(label63).com")
        #expect(domain.labels[0].utf8.count == 63)
        let name253 = [label63, label63, label63, String(repeating: "c", count: 61)].joined(separator: ".")
        #expect(name253.utf8.count == 253)
        #expect(try DomainName(name253).ascii == name253)
        #expect(try DomainName(name253 + ".").ascii == name253)
        #expect(try EmailAddress(String(repeating: "a", count: 64) + "@example.com").localPart.count == 64)
    }

    @Test("domain names sort by their ASCII form")
    func sorting() throws {
        let names = try ["b.com", "A.com", "españa.es", "a.org"].map { try DomainName($0) }
        #expect(names.sorted().map(\.ascii) == ["a.com", "a.org", "b.com", "xn--espaa-rta.es"])
    }

    // MARK: Addresses

    @Test("an IDN address: usuario@españa.es")
    func idnAddress() throws {
        let address = try EmailAddress("usuario@españa.es")
        #expect(address.localPart == "usuario")
        #expect(address.domain.ascii == "xn--espaa-rta.es")
        #expect(address.domain.unicode == "españa.es")
        #expect(address.ascii == "usuario@xn--espaa-rta.es")
        #expect(address.unicode == "usuario@españa.es")
        #expect(address.description == "usuario@xn--espaa-rta.es")
        #expect(try EmailAddress("usuario@xn--espaa-rta.es") == address)
    }

    @Test(
        "keeps the local part as typed and normalises the domain",
        arguments: [
            ("alice@example.com", "alice", "example.com"),
            ("Alice.Smith@Example.COM", "Alice.Smith", "example.com"),
            ("  bob+tag@example.com.\n", "bob+tag", "example.com"),
            ("o'brien@example.ie", "o'brien", "example.ie"),
            ("x!#$%&*/=?^_`{|}~-@example.org", "x!#$%&*/=?^_`{|}~-", "example.org"),
            ("用户@例子.广告", "用户", "xn--fsqu00a.xn--4rr70v"),
            ("JÖRG@bücher.de", "JÖRG", "xn--bcher-kva.de"),
            ("пользователь@пример.рф", "пользователь", "xn--e1afmkfd.xn--p1ai"),
            ("alice@例え。テスト", "alice", "xn--r8jz45g.xn--zckzah"),
        ])
    func parsesAddress(_ input: String, _ localPart: String, _ domain: String) throws {
        let address = try EmailAddress(input)
        #expect(address.localPart == localPart)
        #expect(address.domain.ascii == domain)
        #expect(address.ascii == "\(localPart)@\(domain)")
        #expect(try EmailAddress(address.ascii) == address)
        #expect(try EmailAddress(address.unicode) == address)
    }

    @Test("local parts keep their case, so they compare with it")
    func localPartCase() throws {
        #expect(try EmailAddress("Alice@example.com") != EmailAddress("alice@example.com"))
        #expect(try EmailAddress("alice@EXAMPLE.com") == EmailAddress("alice@example.com"))
    }

    // MARK: Queries

    @Test("a query with an @ is an address, otherwise a domain")
    func query() throws {
        let address = try MailQuery(parsing: " Alice@Example.com ")
        #expect(address == .address(try EmailAddress("Alice@example.com")))
        #expect(address.domain.ascii == "example.com")
        #expect(address.address?.localPart == "Alice")
        #expect(address.description == "Alice@example.com")

        let domain = try MailQuery(parsing: "españa.es\n")
        #expect(domain == .domain(try DomainName("xn--espaa-rta.es")))
        #expect(domain.domain.unicode == "españa.es")
        #expect(domain.address == nil)
        #expect(domain.description == "xn--espaa-rta.es")
    }

    // MARK: Codable

    @Test("values encode as their ASCII strings and are validated when decoded")
    func codable() throws {
        let domain = try DomainName("españa.es")
        let address = try EmailAddress("usuario@españa.es")
        let encoder = JSONEncoder()
        #expect(String(decoding: try encoder.encode(domain), as: UTF8.self) == "\"xn--espaa-rta.es\"")
        #expect(String(decoding: try encoder.encode(address), as: UTF8.self) == "\"usuario@xn--espaa-rta.es\"")

        let decoder = JSONDecoder()
        #expect(try decoder.decode(DomainName.self, from: Data("\"España.es.\"".utf8)) == domain)
        #expect(try decoder.decode(EmailAddress.self, from: Data("\"usuario@españa.es\"".utf8)) == address)
        #expect(throws: DecodingError.self) {
            try decoder.decode(DomainName.self, from: Data("\"localhost\"".utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(EmailAddress.self, from: Data("\"a@@b.com\"".utf8))
        }
    }

    // MARK: Errors

    @Test("refuses invalid input with the right code", arguments: refusals)
    fileprivate func refuses(_ refusal: Refusal) throws {
        let error = #expect(throws: AddressError.self) {
            try refusal.parse.run(refusal.input)
        }
        guard let error else { return }
        #expect(error.code == refusal.code, "\(error.description)")
    }

    @Test("every message is one line, quotes the input and holds nothing invisible", arguments: refusals)
    fileprivate func messages(_ refusal: Refusal) throws {
        guard let error = #expect(throws: AddressError.self, performing: { try refusal.parse.run(refusal.input) })
        else { return }
        let message = error.description
        #expect(!message.contains("\n") && !message.contains("\r"))
        #expect(!hasRawInvisible(message), "\(message.debugDescription)")
        let trimmed = refusal.input.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(error.input == trimmed)
        #expect(message.hasPrefix(AddressError.quoted(trimmed) + " "))
        // Says what is wrong, then what to do.
        #expect(message.contains(": "))
        #expect(error.errorDescription == message)
        #expect("\(error)" == message)
    }

    @Test("messages read as promised")
    func messageTexts() throws {
        func message(_ input: String) -> String {
            do {
                _ = try MailQuery(parsing: input)
                return "(accepted)"
            } catch {
                return error.description
            }
        }
        #expect(message("a@@b.com") == "\"a@@b.com\" has more than one @: an address has exactly one, like alice@example.com")
        #expect(message("alice@[127.0.0.1]").contains("looked up by domain name"))
        #expect(message("127.0.0.1").contains("looked up by domain name"))
        #expect(message("\"john doe\"@example.com").contains("not supported"))
        #expect(message("alice@localhost").contains("\"localhost\""))
        #expect(message("ali ce@example.com").contains("space"))
        #expect(message("alice@exa\u{7}mple.com").hasPrefix("\"alice@exa\\u{7}mple.com\" contains the control character U+0007"))
        #expect(message("alice@exa_mple.com").contains("\"_\""))
        #expect(message("example.com:993").contains("port"))
        #expect(message("Alice <alice@example.com>").contains("just the address"))
        #expect(message("").hasPrefix("\"\" is empty"))
        #expect(message("mailto:alice@example.com").contains("mailto: link"))
        // A combining mark with nothing to sit on is shown as its code point.
        #expect(message("alice@\u{301}a.es").hasPrefix("\"alice@\\u{301}a.es\" "))
    }

    @Test("very long input is shortened in the message, which stays on one line")
    func longInput() throws {
        let input = String(repeating: "x", count: 5000) + "@example.com"
        let error = #expect(throws: AddressError.self) { try EmailAddress(input) }
        #expect(error?.code == .localPartTooLong)
        #expect(error.map { $0.description.count < 400 } == true)
        #expect(error?.description.contains("…") == true)
        #expect(error?.description.contains("example.com\"") == true)
    }

    @Test("codes are distinct, named, and match in patterns")
    func codes() throws {
        let codes: [AddressError.Code] = [
            .empty, .tooManyAtSigns, .missingAtSign, .emptyLocalPart, .emptyDomain, .labelTooLong,
            .nameTooLong, .invalidCharacter, .ipLiteral, .invalidLabel, .invalidPunycode,
            .localPartTooLong, .singleLabel,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(AddressError.Code.tooManyAtSigns.description == "tooManyAtSigns")

        do {
            _ = try EmailAddress("a@@b.com")
            Issue.record("accepted")
        } catch AddressError.Code.tooManyAtSigns {
            // matched through ~=
        } catch {
            Issue.record("wrong error \(error)")
        }
    }

    @Test("errors compare by code, input and message")
    func errorEquality() {
        func error(_ input: String) -> AddressError? {
            do {
                _ = try EmailAddress(input)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("a@@b.com") == error("a@@b.com"))
        #expect(error("a@@b.com") != error("c@@d.com"))
    }
}
