import Testing

@testable import MailAutoconfig

@Suite("HTTP address mapping (--resolve, --connect-to)")
struct HTTPAddressMappingTests {
    @Test func resolveReplacesTheAddressForThatPortOnly() throws {
        let mapping = try AddressMapping(
            parsingResolve: ["AutoConfig.Example.test:443:127.0.0.2", "example.test:443:[::1]"], parsingConnectTo: [])
        #expect(mapping.target(host: "autoconfig.example.test", port: 443) == ("127.0.0.2", 443))
        #expect(mapping.target(host: "autoconfig.example.test.", port: 443) == ("127.0.0.2", 443))
        #expect(mapping.target(host: "autoconfig.example.test", port: 80) == ("autoconfig.example.test", 80))
        #expect(mapping.target(host: "example.test", port: 443) == ("::1", 443))
        #expect(mapping.target(host: "other.test", port: 443) == ("other.test", 443))
        #expect(mapping.resolve[1].description == "example.test:443:[::1]")
    }

    @Test func connectToReplacesHostAndPortAndResolveAppliesAfter() throws {
        let mapping = try AddressMapping(
            parsingResolve: ["backend.test:8443:127.0.0.5"],
            parsingConnectTo: ["autoconfig.example.test:443:backend.test:8443", "::[::1]:", ":80::8080"])
        #expect(mapping.target(host: "autoconfig.example.test", port: 443) == ("127.0.0.5", 8443))
        // An empty HOST and PORT match anything; an empty PORT2 keeps the port.
        #expect(mapping.target(host: "other.test", port: 995) == ("::1", 995))
        #expect(mapping.connectTo[1].description == "::[::1]:")
        #expect(mapping.connectTo[2].targetHost == "")
        #expect(mapping.connectTo[2].targetPort == 8080)
    }

    @Test(arguments: [
        ("example.test:443", "takes HOST:PORT:ADDR"),
        ("example.test:443:127.0.0.1:1", "takes HOST:PORT:ADDR"),
        (":443:127.0.0.1", "the host is empty"),
        ("exa mple.test:443:127.0.0.1", "is not a host name"),
        ("example.test:https:127.0.0.1", "is not a port"),
        ("example.test:70000:127.0.0.1", "is not a port"),
        ("example.test:443:localhost", "is not an IP address"),
        ("example.test:443:::1", "takes HOST:PORT:ADDR"),
        ("example.test:443:[::1", "takes HOST:PORT:ADDR"),
    ])
    func resolveErrorsSayHowToWriteIt(_ entry: String, _ expected: String) {
        do {
            _ = try AddressMapping.Resolve(parsing: entry)
            Issue.record("\(entry) was accepted")
        } catch {
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.hasPrefix("\"\(entry)\": "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test(arguments: ["example.test:443:127.0.0.1", "a:1:b:2:3", "a:x:b:2", "a:1:b:0", "a b:1:b:2"])
    func connectToErrors(_ entry: String) {
        #expect(throws: AddressMappingError.self) { try AddressMapping.ConnectTo(parsing: entry) }
    }

    @Test func aStarResolvesEveryHost() throws {
        let mapping = try AddressMapping(parsingResolve: ["*:443:127.0.0.9"], parsingConnectTo: [])
        #expect(mapping.target(host: "anything.test", port: 443) == ("127.0.0.9", 443))
        #expect(mapping.target(host: "anything.test", port: 80) == ("anything.test", 80))
    }

    @Test func anEmptyMappingChangesNothing() {
        let mapping = AddressMapping()
        #expect(mapping.isEmpty)
        #expect(mapping.target(host: "Example.TEST", port: 443) == ("example.test", 443))
    }
}
