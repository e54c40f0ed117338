// DNS lookups per second: keeps N queries in flight against one server with NIODNSResolver, for a
// given time, and prints one JSON line. Scripts/bench-dns.py runs it beside dnsperf against the same
// dnsmasq, alternating.
//
//   DNSThroughput --server 127.0.0.1:5353 --names names.txt --concurrency 50 --duration 5
//
// The names file has one query a line, `NAME [TYPE]` (dnsperf's query-file format; TYPE is A, AAAA,
// MX, SRV, TXT, NS, SOA or CNAME, A when left out); blank lines and lines starting with `#` are
// skipped. Each of the N tasks loops, taking the next name round-robin, until the time is up.
// A query counts as answered when it gets NOERROR with records; anything else (an error code,
// no records, a timeout) is a failure. Like dnsperf's figure, `qps` counts the queries answered
// within the run's time and divides by that time (`seconds`); a query lost near the end does not
// stretch the run by its timeout (it counts as a failure).
import Glibc
import MailAutoconfig
import MailSettings
import Synchronization

func fail(_ message: String) -> Never {
    let line = Array("DNSThroughput: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(64)
}

struct Options {
    var server: DNSServer
    var queries: [(name: String, type: DNSRecordType)]
    var concurrency: Int
    var duration: Double
}

func recordType(_ text: String) -> DNSRecordType? {
    switch text.uppercased() {
    case "A": .a
    case "AAAA": .aaaa
    case "MX": .mx
    case "SRV": .srv
    case "TXT": .txt
    case "NS": .ns
    case "SOA": .soa
    case "CNAME": .cname
    default: nil
    }
}

func readQueries(_ path: String) -> [(name: String, type: DNSRecordType)] {
    guard let file = fopen(path, "r") else { fail("cannot read \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    var queries: [(name: String, type: DNSRecordType)] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    var number = 0
    while getline(&line, &capacity, file) >= 0 {
        number += 1
        let fields = String(cString: line!).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard let first = fields.first, !first.hasPrefix("#") else { continue }
        guard fields.count <= 2 else { fail("\(path):\(number): expected NAME [TYPE], got \(fields.count) fields") }
        let type: DNSRecordType
        if fields.count == 2 {
            guard let parsed = recordType(String(fields[1])) else { fail("\(path):\(number): unknown record type \(fields[1])") }
            type = parsed
        } else {
            type = .a
        }
        queries.append((String(first), type))
    }
    free(line)
    guard !queries.isEmpty else { fail("\(path) holds no names") }
    return queries
}

func parseOptions(_ arguments: [String]) -> Options {
    let usage = "usage: DNSThroughput --server ADDR:PORT --names FILE --concurrency N --duration SECONDS"
    var values: [String: String] = [:]
    var index = 0
    while index < arguments.count {
        let option = arguments[index]
        if option == "-h" || option == "--help" {
            print(usage)
            exit(0)
        }
        guard ["--server", "--names", "--concurrency", "--duration"].contains(option) else {
            fail("unknown argument \(option); \(usage)")
        }
        guard index + 1 < arguments.count else { fail("\(option) needs a value; \(usage)") }
        values[option] = arguments[index + 1]
        index += 2
    }
    for option in ["--server", "--names", "--concurrency", "--duration"] where values[option] == nil {
        fail("\(option) is missing; \(usage)")
    }
    let server: DNSServer
    do {
        server = try DNSServer(parsing: values["--server"]!)
    } catch {
        fail("--server \(values["--server"]!): \(error)")
    }
    guard let concurrency = Int(values["--concurrency"]!), concurrency >= 1 else {
        fail("--concurrency must be a whole number of at least 1, not \(values["--concurrency"]!)")
    }
    guard let duration = Double(values["--duration"]!), duration > 0, duration.isFinite else {
        fail("--duration must be a number of seconds above 0, not \(values["--duration"]!)")
    }
    return Options(server: server, queries: readQueries(values["--names"]!), concurrency: concurrency, duration: duration)
}

let options = parseOptions(Array(CommandLine.arguments.dropFirst()))
// One try per query: a lost datagram is a failure here, not a retry after the timeout.
let resolver = NIODNSResolver(servers: [options.server], timeout: .seconds(2), attempts: 1)
let queries = options.queries
let next = Atomic<Int>(0)
let clock = ContinuousClock()
let start = clock.now
let deadline = start + .milliseconds(Int64(options.duration * 1000))

let (answered, failures) = await withTaskGroup(of: (Int, Int).self) { group in
    for _ in 0..<options.concurrency {
        group.addTask {
            var answered = 0
            var failures = 0
            while clock.now < deadline {
                let index = next.add(1, ordering: .relaxed).oldValue % queries.count
                let (name, type) = queries[index]
                do {
                    let answer = try await resolver.query(name, type: type)
                    if answer.rcode == .noError && !answer.records.isEmpty && clock.now <= deadline {
                        answered += 1
                    } else {
                        failures += 1
                    }
                } catch {
                    failures += 1
                }
            }
            return (answered, failures)
        }
    }
    var total = (0, 0)
    for await (answered, failures) in group {
        total.0 += answered
        total.1 += failures
    }
    return total
}
let elapsed = deadline - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let qps = Double(answered) / seconds
print("{\"queries\":\(answered),\"failures\":\(failures),\"seconds\":\(seconds),\"qps\":\(qps)}")
