import MailSettings

extension FuzzChecks {
    /// The invariants of the XML reader and of the two formats read with it.
    ///
    /// Feeds `bytes` to ``XMLReader/parse(_:limits:)`` with the default limits and with tight
    /// ones, as text to ``XMLReader/parse(_:limits:)`` when it is UTF-8, to
    /// ``ClientConfigParser/parse(_:limits:)`` (Mozilla autoconfig) and to
    /// ``AutodiscoverResponse/init(bytes:)`` (Exchange Autodiscover POX). A parsed tree must keep
    /// within the limits it was read with; an error must carry 1-based positions and a message;
    /// the autoconfig parser must give the same document from the bytes as from the tree; and
    /// every server either format lets through must have a usable host name and port.
    ///
    /// - Returns: the problems found, empty when every invariant holds.
    public static func xml(_ bytes: [UInt8]) -> [String] {
        var problems = Problems()
        let tight = XMLLimits(
            maximumBytes: 4096, maximumDepth: 4, maximumElements: 40, maximumAttributesPerElement: 3,
            maximumNameLength: 16)
        var root: XMLNode? = nil
        for limits in [XMLLimits(), tight] {
            do {
                let node = try XMLReader.parse(bytes, limits: limits)
                checkTree(node, within: limits, &problems)
                if limits == XMLLimits() { root = node }
            } catch {
                checkPosition(error, &problems)
            }
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            do {
                checkTree(try XMLReader.parse(text), within: XMLLimits(), &problems)
            } catch {
                checkPosition(error, &problems)
            }
        }

        let config = ClientConfigParser.parse(bytes)
        if let root {
            problems.expect(
                ClientConfigParser.parse(root) == config, "the autoconfig document differs from bytes and from the tree")
        } else {
            problems.expect(config.servers.isEmpty && !config.errors.isEmpty, "unreadable XML gave servers or no error")
        }
        for server in config.servers {
            problems.expect((1...65_535).contains(server.port), "autoconfig server with port \(server.port)")
            checkHostname(server.hostname, &problems)
        }

        if let response = try? AutodiscoverResponse(bytes: bytes), case .settings(let servers) = response.action {
            for server in servers {
                problems.expect((1...65_535).contains(server.port), "Autodiscover server with port \(server.port)")
                checkHostname(server.hostname, &problems)
                let reparsed = try? DomainName(server.hostname)
                problems.expect(
                    reparsed?.ascii == server.hostname,
                    "Autodiscover host name \(server.hostname.debugDescription) is not a normalised domain name")
                problems.expect(
                    !server.username.unicodeScalars.contains { $0 == " " || $0.properties.generalCategory == .control },
                    "Autodiscover user name with a space or control character: \(server.username.debugDescription)")
            }
        }
        return problems.list
    }

    /// Walks a tree without recursion and checks it against the limits it was read with.
    private static func checkTree(_ root: XMLNode, within limits: XMLLimits, _ problems: inout Problems) {
        var stack: [(node: XMLNode, depth: Int)] = [(root, 1)]
        var elements = 0
        while let (node, depth) = stack.popLast() {
            elements += 1
            problems.expect(depth <= limits.maximumDepth, "element deeper than the limit")
            problems.expect(elements <= limits.maximumElements, "more elements than the limit")
            problems.expect(node.attributes.count <= limits.maximumAttributesPerElement, "more attributes than the limit")
            problems.expect(node.name.utf8.count <= limits.maximumNameLength, "element name longer than the limit")
            problems.expect(
                !node.name.isEmpty && node.name.hasSuffix(node.localName), "bad element name \(node.name.debugDescription)")
            problems.expect(node.line >= 1 && node.column >= 1, "element position is not 1-based")
            var names: Set<String> = []
            for attribute in node.attributes {
                problems.expect(
                    attribute.name.utf8.count <= limits.maximumNameLength, "attribute name longer than the limit")
                problems.expect(
                    names.insert(attribute.name).inserted, "duplicate attribute \(attribute.name.debugDescription) let through")
            }
            stack.append(contentsOf: node.children.map { ($0, depth + 1) })
        }
    }

    /// A reader error points at a 1-based line and column, or at nothing, and says something.
    private static func checkPosition(_ error: XMLError, _ problems: inout Problems) {
        if let line = error.line { problems.expect(line >= 1, "error line \(line)") }
        if let column = error.column { problems.expect(column >= 1, "error column \(column)") }
        problems.expect(!error.description.isEmpty, "an XML error without a message")
    }

    /// A host name that reached a server value: not empty, no space, quote or control character,
    /// and nothing of a path, port or user.
    private static func checkHostname(_ hostname: String, _ problems: inout Problems) {
        problems.expect(!hostname.isEmpty, "empty host name let through")
        problems.expect(
            !hostname.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0 == "\"" || $0 == "'"
                    || $0 == "/" || $0 == ":" || $0 == "@"
            },
            "host name with a space, quote, control character, path, port or user let through: \(hostname.debugDescription)"
        )
    }
}
