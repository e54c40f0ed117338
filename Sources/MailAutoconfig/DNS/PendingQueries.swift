import MailSettings
import NIOCore

/// How one try with one server ended.
enum DNSExchangeOutcome: Sendable {
    /// The server's answer, over UDP or (after a truncated UDP answer) TCP.
    case answer(DNSMessage, overTCP: Bool)
    /// No answer within the timeout.
    case timedOut
    /// The try could not be made, or was cancelled (``DNSResolveError/Code/cancelled``).
    case failed(DNSResolveError)
}

/// The queries in flight on one UDP channel: each by its ID, with the promise its caller waits
/// on and the time it gives up.
///
/// No two entries share an ID: ``add(_:promise:deadline:)`` draws random IDs until it finds a
/// free one. An answer is handed to an entry only when it repeats the entry's ID *and* question
/// (``takeEntry(answeredBy:)``); anything else leaves the table as it was.
///
/// Deadlines are kept in the order the queries were added, which is their order in time as long
/// as every query waits the same time (one channel pool has one timeout). Entries that end before
/// their deadline are removed from the table at once; their place in the deadline queue is dropped
/// lazily, when it reaches the head.
///
/// Not thread-safe: its channel's event loop owns it.
struct PendingQueries {
    /// One query waiting for its answer.
    struct Entry {
        /// The query as sent, with its ID.
        let query: DNSQuery
        /// Completed when the query ends, whichever way.
        let promise: EventLoopPromise<DNSExchangeOutcome>
        /// Tells this entry from an earlier or later one with the same ID.
        let ticket: Ticket
    }

    /// Names one entry for its whole life: an ID is reused, a ticket never is.
    struct Ticket: Hashable, Sendable {
        let id: UInt16
        let serial: UInt64
    }

    private var entries: [UInt16: Entry] = [:]
    private var deadlines = CircularBuffer<(deadline: NIODeadline, ticket: Ticket)>()
    private var nextSerial: UInt64 = 0

    /// Whether no query is in flight.
    var isEmpty: Bool { entries.isEmpty }
    /// The number of queries in flight.
    var count: Int { entries.count }

    /// Adds `query` under a random ID that no query in flight has, returning the query with that
    /// ID and its ticket; `nil` when all 65,536 IDs are in flight.
    mutating func add(
        _ query: DNSQuery, promise: EventLoopPromise<DNSExchangeOutcome>, deadline: NIODeadline
    ) -> (query: DNSQuery, ticket: Ticket)? {
        guard entries.count <= Int(UInt16.max) else { return nil }
        var generator = SystemRandomNumberGenerator()
        var query = query
        repeat {
            query.id = UInt16.random(in: .min ... .max, using: &generator)
        } while entries[query.id] != nil
        let ticket = Ticket(id: query.id, serial: nextSerial)
        nextSerial &+= 1
        entries[query.id] = Entry(query: query, promise: promise, ticket: ticket)
        deadlines.append((deadline, ticket))
        return (query, ticket)
    }

    /// Whether a query with this ID is in flight: a cheap test before reading a whole message.
    func contains(id: UInt16) -> Bool { entries[id] != nil }

    /// Removes and returns the entry `message` answers: same ID, and the same one question.
    /// Leaves the table as it was, and returns `nil`, for any other message.
    mutating func takeEntry(answeredBy message: DNSMessage) -> Entry? {
        guard let entry = entries[message.id], message.isResponse(to: entry.query) else { return nil }
        entries[message.id] = nil
        dropFinishedDeadlines()
        return entry
    }

    /// Removes and returns the entry with this ticket, if it is still in flight.
    mutating func remove(_ ticket: Ticket) -> Entry? {
        guard let entry = entries[ticket.id], entry.ticket == ticket else { return nil }
        entries[ticket.id] = nil
        dropFinishedDeadlines()
        return entry
    }

    /// Removes and returns every entry whose deadline is `now` or earlier.
    mutating func removeExpired(now: NIODeadline) -> [Entry] {
        var expired: [Entry] = []
        while let head = deadlines.first, head.deadline <= now {
            deadlines.removeFirst()
            if let entry = entries[head.ticket.id], entry.ticket == head.ticket {
                entries[head.ticket.id] = nil
                expired.append(entry)
            }
        }
        dropFinishedDeadlines()
        return expired
    }

    /// Removes and returns every entry.
    mutating func removeAll() -> [Entry] {
        let all = Array(entries.values)
        entries = [:]
        deadlines.removeAll()
        return all
    }

    /// The earliest deadline of a query in flight.
    var nextDeadline: NIODeadline? { deadlines.first?.deadline }

    /// Drops the head of the deadline queue while it names an entry that has already ended, so the
    /// head is always in flight (or the queue empty).
    private mutating func dropFinishedDeadlines() {
        while let head = deadlines.first, entries[head.ticket.id]?.ticket != head.ticket {
            deadlines.removeFirst()
        }
    }
}
