import Foundation
import Merkle
import NIOCore
import PostgresNIO

// The coordination side of `PostgresLogStore`: the sequencer lease and the pending-entries table
// through which replicas that do not sequence forward entries to the one that does. All times are
// the database server's (`clock_timestamp()`), so replicas' clocks never matter.
extension PostgresLogStore {
    /// Takes the sequencer lease for `holder` if it is free or expired, bumping the epoch. Returns
    /// the new fence, or nil when another replica holds a live lease. Blocks while a fenced batch
    /// of the current holder is being written (it holds the row's lock).
    public func acquireLease(holder: String, duration: Duration) async throws -> SequencerFence? {
        let milliseconds = Self.milliseconds(duration)
        for try await epoch in try await database.client.query("""
            UPDATE \(unescaped: tables.sequencer) SET holder = \(holder), epoch = epoch + 1,
                expires_at = clock_timestamp() + make_interval(secs => \(Double(milliseconds) / 1000))
            WHERE id = 1 AND (expires_at <= clock_timestamp() OR holder = '' OR holder = \(holder))
            RETURNING epoch
            """, logger: logger).decode(Int64.self) {
            return SequencerFence(holder: holder, epoch: epoch)
        }
        return nil
    }

    /// Extends a lease still held and not expired. False when it was lost: the caller must stop
    /// sequencing (its next fenced write would fail anyway).
    public func renewLease(_ fence: SequencerFence, duration: Duration) async throws -> Bool {
        let milliseconds = Self.milliseconds(duration)
        for try await _ in try await database.client.query("""
            UPDATE \(unescaped: tables.sequencer) SET expires_at = clock_timestamp() + make_interval(secs => \(Double(milliseconds) / 1000))
            WHERE id = 1 AND holder = \(fence.holder) AND epoch = \(fence.epoch) AND expires_at > clock_timestamp()
            RETURNING epoch
            """, logger: logger).decode(Int64.self) {
            return true
        }
        return false
    }

    /// Gives a held lease up at once (graceful shutdown), so another replica need not wait it out.
    public func releaseLease(_ fence: SequencerFence) async throws {
        try await database.client.query("""
            UPDATE \(unescaped: tables.sequencer) SET expires_at = 'epoch' WHERE id = 1 AND holder = \(fence.holder) AND epoch = \(fence.epoch)
            """, logger: logger)
    }

    /// Who holds the lease now (holder, epoch, live), for readiness and tests.
    public func leaseState() async throws -> (holder: String, epoch: Int64, live: Bool, treeSize: Int64) {
        for try await row in try await database.client.query("""
            SELECT holder, epoch, expires_at > clock_timestamp(), tree_size FROM \(unescaped: tables.sequencer) WHERE id = 1
            """, logger: logger).decode((String, Int64, Bool, Int64).self) {
            return row
        }
        throw PostgresDatabase.Failure("the \(tables.prefix) coordination row is missing")
    }

    /// Lets this store write under `fence` (nil: refuse every append).
    public func setFence(_ new: SequencerFence?) { fence.withLock { $0 = new } }

    public var currentFence: SequencerFence? { fence.withLock { $0 } }

    // MARK: Notifications

    /// Notified when another replica queues an entry for the sequencer.
    var pendingChannel: String { tables.prefix + "_pending" }
    /// Notified when a batch that answers queued entries commits.
    var resolvedChannel: String { tables.prefix + "_resolved" }

    /// Listens on both channels, on a connection of its own (LISTEN would pin a pooled one), calling
    /// `notified` with the channel's name, until `keepGoing` answers false or the connection fails.
    /// A watchdog runs from the first moment: it closes the connection when `keepGoing` turns false
    /// or a `SELECT 1` every `ping` gets no answer (a half-open connection, a hung server), which
    /// ends every wait on it, so a stopping replica never hangs here.
    func listen(ping: Duration, while keepGoing: @escaping @Sendable () -> Bool,
                notified: @escaping @Sendable (String) -> Void) async throws {
        let database = self.database
        let connection = try await PostgresDatabase.answering(within: ping, what: "opening the notification connection") {
            try await database.listenerConnection()
        }
        let (pending, resolved, logger) = (pendingChannel, resolvedChannel, self.logger)
        defer { Task { try? await connection.close() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var lastPing = ContinuousClock.now
                while keepGoing() {
                    try await Task.sleep(for: .milliseconds(100))
                    guard ContinuousClock.now - lastPing >= ping else { continue }
                    lastPing = .now
                    let alive = (try? await PostgresDatabase.answering(within: ping, what: "pinging the notification connection") {
                        try await connection.query("SELECT 1", logger: logger)
                    }) != nil
                    if !alive { break }
                }
                try? await connection.close()
            }
            group.addTask {
                try await connection.listen(on: pending) { pendingNotifications in
                    try await connection.listen(on: resolved) { resolvedNotifications in
                        try await withThrowingTaskGroup(of: Void.self) { inner in
                            inner.addTask { for try await _ in pendingNotifications { notified(pending) } }
                            inner.addTask { for try await _ in resolvedNotifications { notified(resolved) } }
                            _ = try await inner.next()
                            inner.cancelAll()
                        }
                    }
                }
            }
            // Whichever ends first (a stop, a failed ping, the connection's end) ends the other.
            _ = try await group.next()
            try? await connection.close()
            group.cancelAll()
        }
    }

    // MARK: Pending entries

    /// Queues an entry for the sequencer. Returns its ticket, or nil when the same entry is already
    /// pending (another replica forwarded it first).
    func enqueue(_ entry: PreparedEntry) async throws -> Int64? {
        // The notification goes out when the insert commits, waking the sequencer's scan.
        for try await ticket in try await database.client.query("""
            WITH queued AS (
                INSERT INTO \(unescaped: tables.pending) (leaf_hash, body, kind, search_keys, extra)
                VALUES (\(ByteBuffer(bytes: entry.leafHash.bytes)), \(ByteBuffer(bytes: entry.body)), \(entry.kind), \(entry.searchKeys)::text[], \(entry.extra.map { ByteBuffer(bytes: $0) }))
                ON CONFLICT (leaf_hash) DO NOTHING RETURNING ticket)
            SELECT ticket FROM queued, (SELECT pg_notify(\(pendingChannel), '')) AS notified
            """, logger: logger).decode(Int64.self) {
            return ticket
        }
        return nil
    }

    /// The ticket of a pending entry with this leaf hash, if one is pending.
    func pendingTicket(leafHash: Hash) async throws -> Int64? {
        for try await ticket in try await database.client.query("""
            SELECT ticket FROM \(unescaped: tables.pending) WHERE leaf_hash = \(ByteBuffer(bytes: leafHash.bytes))
            """, logger: logger).decode(Int64.self) {
            return ticket
        }
        return nil
    }

    /// Outcomes of those tickets that have one: the log index and whether this ticket created it.
    func resolutions(of tickets: [Int64]) async throws -> [Int64: (index: Int64, created: Bool)] {
        var found: [Int64: (index: Int64, created: Bool)] = [:]
        for try await (ticket, index, created) in try await database.client.query("""
            SELECT ticket, result_idx, created FROM \(unescaped: tables.pending) WHERE ticket = ANY(\(tickets)::bigint[]) AND result_idx IS NOT NULL
            """, logger: logger).decode((Int64, Int64, Bool).self) {
            found[ticket] = (index, created)
        }
        return found
    }

    /// Forgets tickets whose submitters have their answer.
    func removeTickets(_ tickets: [Int64]) async throws {
        guard !tickets.isEmpty else { return }
        try await database.client.query("DELETE FROM \(unescaped: tables.pending) WHERE ticket = ANY(\(tickets)::bigint[])", logger: logger)
    }

    /// Unresolved pending entries other than those in `excluded` (the ones already taken in),
    /// oldest first, for the sequencer. Not a cursor on the ticket: tickets are drawn when rows are
    /// inserted but become visible when they commit, so a lower ticket can appear after a higher one.
    func unresolved(excluding excluded: [Int64], limit: Int) async throws -> [(ticket: Int64, entry: PreparedEntry)] {
        var found: [(ticket: Int64, entry: PreparedEntry)] = []
        for try await (ticket, body, kind, keys, extra) in try await database.client.query("""
            SELECT ticket, body, kind, search_keys, extra FROM \(unescaped: tables.pending)
            WHERE result_idx IS NULL AND NOT (ticket = ANY(\(excluded)::bigint[])) ORDER BY ticket LIMIT \(Int64(limit))
            """, logger: logger).decode((Int64, ByteBuffer, String, [String], ByteBuffer?).self) {
            var entry = PreparedEntry(body: Array(body.readableBytesView), kind: kind, searchKeys: keys,
                                      extra: extra.map { Array($0.readableBytesView) })
            entry.ticket = ticket
            found.append((ticket, entry))
        }
        return found
    }

    /// Records the outcome of a forwarded entry that turned out to be in the log already.
    func resolveDuplicate(ticket: Int64, index: Int64) async throws {
        try await database.client.query("""
            UPDATE \(unescaped: tables.pending) SET result_idx = \(index), created = false, resolved_at = clock_timestamp()
            WHERE ticket = \(ticket) AND result_idx IS NULL
            """, logger: logger)
    }

    /// Drops answered tickets nobody collected (their submitter gave up or died).
    func sweepResolvedTickets(olderThan age: Duration) async throws {
        try await database.client.query("""
            DELETE FROM \(unescaped: tables.pending) WHERE resolved_at < clock_timestamp() - make_interval(secs => \(Double(Self.milliseconds(age)) / 1000))
            """, logger: logger)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
