import MailSettings

/// Fuzz target for the XML reader and the two formats read with it.
///
/// Feeds the input, as bytes, to ``XMLReader/parse(_:limits:)`` with the default limits and with
/// tight ones, to ``XMLReader/parse(_:limits:)`` as text when it is UTF-8, to
/// ``ClientConfigParser/parse(_:limits:)`` (Mozilla autoconfig) and to
/// ``AutodiscoverResponse/init(bytes:)`` (Exchange Autodiscover POX).
///
/// Checks that every call returns or throws (a crash, a hang or a leak is what libFuzzer
/// reports), that a parsed tree keeps within the limits it was read with, that errors carry
/// 1-based positions, that the autoconfig parser gives the same document from the bytes as from
/// the tree, and that every server either format lets through has a usable host name and port.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []

    let tight = XMLLimits(
        maximumBytes: 4096, maximumDepth: 4, maximumElements: 40, maximumAttributesPerElement: 3,
        maximumNameLength: 16)
    var root: XMLNode? = nil
    for limits in [XMLLimits(), tight] {
        do {
            let node = try XMLReader.parse(bytes, limits: limits)
            checkTree(node, within: limits)
            if limits == XMLLimits() { root = node }
        } catch {
            checkPosition(error)
        }
    }
    if let text = String(validating: bytes, as: UTF8.self) {
        do {
            checkTree(try XMLReader.parse(text), within: XMLLimits())
        } catch {
            checkPosition(error)
        }
    }

    let config = ClientConfigParser.parse(bytes)
    if let root {
        precondition(ClientConfigParser.parse(root) == config, "the autoconfig document differs from bytes and from the tree")
    } else {
        precondition(config.servers.isEmpty && !config.errors.isEmpty, "unreadable XML gave servers or no error")
    }
    for server in config.servers {
        precondition((1...65_535).contains(server.port), "autoconfig server with port \(server.port)")
        checkHostname(server.hostname)
    }

    if let response = try? AutodiscoverResponse(bytes: bytes), case .settings(let servers) = response.action {
        for server in servers {
            precondition((1...65_535).contains(server.port), "Autodiscover server with port \(server.port)")
            checkHostname(server.hostname)
            let reparsed = try? DomainName(server.hostname)
            precondition(reparsed?.ascii == server.hostname, "Autodiscover host name is not a normalised domain name")
            precondition(
                !server.username.unicodeScalars.contains { $0 == " " || $0.properties.generalCategory == .control },
                "Autodiscover user name with a space or control character")
        }
    }
    return 0
}

/// Walks a tree without recursion and checks it against the limits it was read with.
private func checkTree(_ root: XMLNode, within limits: XMLLimits) {
    var stack: [(node: XMLNode, depth: Int)] = [(root, 1)]
    var elements = 0
    while let (node, depth) = stack.popLast() {
        elements += 1
        precondition(depth <= limits.maximumDepth, "element deeper than the limit")
        precondition(elements <= limits.maximumElements, "more elements than the limit")
        precondition(node.attributes.count <= limits.maximumAttributesPerElement, "more attributes than the limit")
        precondition(node.name.utf8.count <= limits.maximumNameLength, "element name longer than the limit")
        precondition(!node.name.isEmpty && node.name.hasSuffix(node.localName), "bad element name")
        precondition(node.line >= 1 && node.column >= 1, "element position is not 1-based")
        var names: Set<String> = []
        for attribute in node.attributes {
            precondition(attribute.name.utf8.count <= limits.maximumNameLength, "attribute name longer than the limit")
            precondition(names.insert(attribute.name).inserted, "duplicate attribute let through")
        }
        stack.append(contentsOf: node.children.map { ($0, depth + 1) })
    }
}

/// A reader error points at a 1-based line and column, or at nothing.
private func checkPosition(_ error: XMLError) {
    if let line = error.line { precondition(line >= 1, "error line \(line)") }
    if let column = error.column { precondition(column >= 1, "error column \(column)") }
    precondition(!error.description.isEmpty, "error without a message")
}

/// A host name that reached a server value: not empty, no space, quote or control character.
private func checkHostname(_ hostname: String) {
    precondition(!hostname.isEmpty, "empty host name let through")
    precondition(
        !hostname.unicodeScalars.contains {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "\"" || $0 == "'"
                || $0 == "/" || $0 == ":" || $0 == "@"
        },
        "host name with a space, quote, control character, path, port or user let through: \(hostname.debugDescription)")
}
