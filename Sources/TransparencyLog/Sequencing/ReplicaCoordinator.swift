import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Makes one log-server replica a member of a group that serves one log from a shared PostgreSQL
/// database: it holds or waits for the sequencer lease, takes in entries other replicas forward
/// while it sequences, forwards entries submitted here while it does not, and keeps the published
/// tree head of a replica that does not sequence up to date for reads.
///
/// Coordination (see README "Scaling out"): one lease row per log, granted by the database's clock.
/// Holding it is what lets the store write, and every write is fenced by the lease's epoch in the
/// same transaction (see `PostgresLogStore.append`), so a replica that was paused or cut off past its
/// lease can never write after another took over: its epoch no longer matches. The leader renews
/// every third of the lease; the others try to take it every `followInterval` once it lapses.
public final class ReplicaCoordinator: Service, SequencerReplication, Sendable {
    /// Timing of the lease, the pending-entry polls and forwarding.
    public struct Settings: Sendable {
        /// How long a lease lasts without renewal; also how long PostgreSQL keeps a session of a
        /// paused replica that is idle in a transaction.
        public var lease: Duration = .seconds(3)
        /// How often the leader looks for forwarded entries and waiting replicas for their outcome.
        public var pollInterval: Duration = .milliseconds(5)
        /// The longest the leader's scan for forwarded entries waits once none have come for a while
        /// (a notification ends the wait at once).
        public var idlePollInterval: Duration = .milliseconds(200)
        /// How often a replica that does not sequence refreshes its tree head and tries for the lease.
        public var followInterval: Duration = .milliseconds(50)
        /// How long a forwarded entry waits for a sequencer before the client gets 503.
        public var forwardTimeout: Duration = .seconds(15)
        public init() {}
    }

    private struct Waiter {
        let id: Int
        let ticket: Int64
        let owned: Bool
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    public let replicaID: String
    let store: PostgresLogStore
    let sequencer: Sequencer
    let settings: Settings
    let logger: Logger
    private let logName: String
    private let waiters = Mutex<(next: Int, list: [Waiter])>((0, []))
    private let stopping = Mutex(false)
    /// Forwarded entries this replica has taken in under its current lease, not yet answered.
    private let taken = Mutex<(epoch: Int64, tickets: Set<Int64>)>((0, []))
    private let roleChanges: Counter
    private let leaderGauge: Gauge
    /// Woken by PostgreSQL notifications: an entry was queued for the sequencer; outcomes committed.
    private let entriesQueued = WakeSignal()
    private let outcomesCommitted = WakeSignal()

    public init(store: PostgresLogStore, sequencer: Sequencer, logName: String, replicaID: String = ReplicaCoordinator.defaultReplicaID(),
                settings: Settings = Settings(), logger: Logger = Logger(label: "sigil.log")) {
        self.store = store
        self.sequencer = sequencer
        self.logName = logName
        self.replicaID = replicaID
        self.settings = settings
        self.logger = logger
        self.roleChanges = Counter(label: "sigil_log_sequencer_role_changes_total", dimensions: [("log", logName)])
        self.leaderGauge = Gauge(label: "sigil_log_sequencer_leader", dimensions: [("log", logName)])
    }

    /// Host name, process ID and a random suffix: unique among the replicas of one database.
    public static func defaultReplicaID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Joins the sequencer to the group and tries once for the lease, so a lone replica sequences
    /// from its first request. Call before serving requests.
    public func start() async {
        await sequencer.attach(self)
        await tryToLead()
    }

    public var isSequencing: Bool { store.currentFence != nil }

    /// What `/readyz` reports: the role and, when leading, the epoch.
    public var roleDescription: String {
        if let fence = store.currentFence { return "sequencer (epoch \(fence.epoch))" }
        return "follower"
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.leaseLoop() }
                group.addTask { await self.pumpLoop() }
                group.addTask { await self.waiterLoop() }
                group.addTask { await self.notificationLoop() }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
        }
        if let fence = store.currentFence {
            if stopping.withLock({ $0 }) {
                // Graceful: handing the lease back lets another replica sequence now, not after it lapses.
                await sequencer.shutdown()
                store.setFence(nil)
                try? await bounded("releasing the lease") { [store] in try await store.releaseLease(fence) }
                logger.info("released the sequencer lease", metadata: ["log": "\(logName)", "epoch": "\(fence.epoch)"])
            } else {
                // Cancelled: stop writing; the lease lapses on its own.
                store.setFence(nil)
            }
        }
        let left = waiters.withLock { state in
            defer { state.list = [] }
            return state.list
        }
        for waiter in left { waiter.continuation.resume(throwing: SequencerError.shuttingDown) }
    }

    private var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    /// One database call of the coordination loops, given up after a lease: with the database gone,
    /// the pool waits for a connection forever, and a loop stuck there would never see shutdown.
    private func bounded<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await PostgresDatabase.answering(within: settings.lease, what: what, body)
    }

    // MARK: The lease

    private func leaseLoop() async {
        while !isStopping {
            if let fence = store.currentFence {
                let renewed = (try? await bounded("renewing the lease") { [store, settings] in try await store.renewLease(fence, duration: settings.lease) }) ?? false
                if !renewed, store.currentFence == fence {
                    lostRole("the lease (epoch \(fence.epoch)) could not be renewed")
                    continue
                }
                try? await Task.sleep(for: settings.lease / 3)
            } else {
                await tryToLead()
                if store.currentFence == nil {
                    if let head = try? await bounded("reading the tree head", { [store] in try await store.latestTreeHead() }) {
                        sequencer.published.publish(head)
                    }
                    try? await Task.sleep(for: settings.followInterval)
                }
            }
        }
    }

    private func tryToLead() async {
        do {
            let (store, replicaID, lease) = (self.store, self.replicaID, settings.lease)
            guard let fence = try await bounded("taking the lease", { try await store.acquireLease(holder: replicaID, duration: lease) }) else { return }
            // Another replica may have extended the tree: the sequencer catches up before its next round.
            await sequencer.markStale()
            store.setFence(fence)
            roleChanges.increment()
            leaderGauge.record(1)
            logger.notice("took the sequencer role", metadata: ["log": "\(logName)", "epoch": "\(fence.epoch)", "replica": "\(replicaID)"])
        } catch {
            logger.warning("could not reach the database for the sequencer lease",
                           metadata: ["log": "\(logName)", "error": "\(PostgresDatabase.describe(error))"])
        }
    }

    func lostRole(_ reason: String) {
        store.setFence(nil)
        roleChanges.increment()
        leaderGauge.record(0)
        logger.warning("gave up the sequencer role", metadata: ["log": "\(logName)", "reason": "\(reason)"])
    }

    // MARK: Notifications

    /// Keeps a LISTEN connection for this log's two channels, turning notifications into early
    /// wake-ups of the scans below. Without it (the connection lost, the database restarting) the
    /// scans still run on their timers, so a lost notification delays an entry, never loses it.
    private func notificationLoop() async {
        let (pending, queued, committed) = (store.pendingChannel, entriesQueued, outcomesCommitted)
        while !isStopping {
            do {
                try await store.listen(ping: settings.lease, while: { [weak self] in self.map { !$0.isStopping } ?? false }) { channel in
                    if Array(channel.utf8) == Array(pending.utf8) { queued.wake() } else { committed.wake() }
                }
            } catch {
                logger.debug("log notifications interrupted", metadata: ["log": "\(logName)", "error": "\(PostgresDatabase.describe(error))"])
            }
            // Whatever was notified while not listening is found by one scan each.
            queued.wake()
            committed.wake()
            if !isStopping { try? await Task.sleep(for: .seconds(1)) }
        }
    }

    // MARK: Entries forwarded to this replica while it sequences

    private func pumpLoop() async {
        // Idle, the scan backs off from `pollInterval` to `idlePollInterval`: a lone replica (and a
        // leader of a quiet log) should not query the database hundreds of times a second. A
        // notification from the replica that queued an entry wakes it at once; without one (a lost
        // LISTEN connection) the entry waits at most `idlePollInterval`.
        var idle = settings.pollInterval
        while !isStopping {
            guard let fence = store.currentFence else {
                try? await Task.sleep(for: settings.followInterval)
                continue
            }
            let excluded = taken.withLock { state -> [Int64] in
                if state.epoch != fence.epoch { state = (fence.epoch, []) }
                return Array(state.tickets)
            }
            guard let rows = try? await bounded("reading forwarded entries", { [store] in try await store.unresolved(excluding: excluded, limit: 1_000) }),
                  !rows.isEmpty else {
                await entriesQueued.wait(atMost: idle)
                idle = min(idle * 2, settings.idlePollInterval)
                continue
            }
            idle = settings.pollInterval
            taken.withLock { state in
                if state.epoch == fence.epoch { state.tickets.formUnion(rows.map(\.ticket)) }
            }
            for row in rows {
                Task {
                    // Answered or failed, the row leaves the taken set: a failed one (still
                    // unresolved) is taken in again by the next scan; a resolved one is not listed.
                    defer { _ = taken.withLock { $0.tickets.remove(row.ticket) } }
                    if case .duplicate(let existing)? = try? await sequencer.submit(row.entry) {
                        try? await store.resolveDuplicate(ticket: row.ticket, index: existing.index)
                    }
                }
            }
        }
    }

    // MARK: Forwarding entries submitted here while another replica sequences

    func forward(_ entry: PreparedEntry) async throws -> SequencingResult {
        // A lost database must give the client 503, never a request that waits forever.
        do {
            return try await PostgresDatabase.answering(within: settings.forwardTimeout + .seconds(1), what: "forwarding an entry") {
                try await self.forwardUnbounded(entry)
            }
        } catch let error as SequencerError {
            throw error
        } catch {
            throw SequencerError.unavailable(PostgresDatabase.describe(error))
        }
    }

    private func forwardUnbounded(_ entry: PreparedEntry) async throws -> SequencingResult {
        let deadline = ContinuousClock.now + settings.forwardTimeout
        do {
            for _ in 0..<3 {
                if let ticket = try await store.enqueue(entry) {
                    return try await answer(try await wait(for: ticket, owned: true, deadline: deadline))
                }
                // The same entry is already pending: its outcome is this submission's duplicate.
                if let ticket = try await store.pendingTicket(leafHash: entry.leafHash) {
                    var outcome = try await wait(for: ticket, owned: false, deadline: deadline)
                    outcome.created = false
                    return try await answer(outcome)
                }
                if let stored = try await store.entry(leafHash: entry.leafHash), stored.index < sequencer.published.value.treeSize {
                    return .duplicate(stored)
                }
            }
            throw SequencerError.unavailable("the entry could not be queued for the sequencer")
        } catch let error as SequencerError {
            throw error
        } catch {
            throw SequencerError.unavailable("the log database: \(PostgresDatabase.describe(error))")
        }
    }

    /// A forwarded entry's outcome, with the entry and a tree head containing it when the waiter
    /// loop could read them (nil: `answer` reads them itself).
    private struct Outcome: Sendable {
        let index: Int64
        var created: Bool
        var entry: StoredEntry?
        var head: StoredTreeHead?
    }

    private func answer(_ outcome: Outcome) async throws -> SequencingResult {
        if let entry = outcome.entry, let head = outcome.head, entry.index < head.treeSize {
            return outcome.created ? .appended(entry, treeHead: head) : .duplicate(entry)
        }
        let head = try await store.latestTreeHead()
        sequencer.published.publish(head)
        guard let entry = try await store.entry(at: outcome.index) else {
            throw SequencerError.unavailable("the sequencer reported index \(outcome.index), which is not stored")
        }
        return outcome.created ? .appended(entry, treeHead: head) : .duplicate(entry)
    }

    private func wait(for ticket: Int64, owned: Bool, deadline: ContinuousClock.Instant) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            waiters.withLock { state in
                state.next += 1
                state.list.append(Waiter(id: state.next, ticket: ticket, owned: owned, deadline: deadline, continuation: continuation))
            }
        }
    }

    /// One query per poll answers every waiting submission of this replica.
    private func waiterLoop() async {
        while !isStopping {
            let tickets = waiters.withLock { Array(Set($0.list.map(\.ticket))) }
            if tickets.isEmpty {
                try? await Task.sleep(for: settings.pollInterval)
                continue
            }
            let resolved = (try? await bounded("reading forwarded outcomes", { [store] in try await store.resolutions(of: tickets) })) ?? [:]
            let now = ContinuousClock.now
            let (done, expired) = waiters.withLock { state -> ([(Waiter, (Int64, Bool))], [Waiter]) in
                var done: [(Waiter, (Int64, Bool))] = [], expired: [Waiter] = [], keep: [Waiter] = []
                for waiter in state.list {
                    if let outcome = resolved[waiter.ticket] { done.append((waiter, outcome)) }
                    else if waiter.deadline < now { expired.append(waiter) }
                    else { keep.append(waiter) }
                }
                state.list = keep
                return (done, expired)
            }
            // One read of the head and one of the entries answers every submission this round.
            let indexes = Array(Set(done.map { $0.1.0 }))
            let head = indexes.isEmpty ? nil : try? await bounded("reading the tree head", { [store] in try await store.latestTreeHead() })
            let entries = head == nil ? [:] : (try? await bounded("reading forwarded entries' answers", { [store] in
                try await store.entries(atIndexes: indexes)
            })) ?? [:]
            if let head { sequencer.published.publish(head) }
            for (waiter, (index, created)) in done {
                waiter.continuation.resume(returning: Outcome(index: index, created: created, entry: entries[index], head: head))
            }
            for waiter in expired {
                waiter.continuation.resume(throwing: SequencerError.unavailable("no sequencer took the entry within \(settings.forwardTimeout)"))
            }
            let owned = done.filter { $0.0.owned }.map { $0.0.ticket }
            _ = try? await bounded("removing answered tickets") { [store] in try await store.removeTickets(owned) }
            if Int.random(in: 0..<2_000) == 0 { try? await store.sweepResolvedTickets(olderThan: .seconds(120)) }
            if done.isEmpty { await outcomesCommitted.wait(atMost: settings.pollInterval) }
        }
    }
}
