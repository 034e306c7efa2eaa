import Dispatch
import Foundation
import Merkle
import SigstoreKit
import WireFormat

/// The single owner of the log's tree. Handlers validate entries concurrently and `submit` them; the
/// sequencer drains its bounded queue in batches, each committed in one transaction together with its
/// tree hashes, search rows and signed checkpoint, and answers the batch only after the commit.
///
/// Group commit needs no timer: while one batch is being written, new submissions queue up and become
/// the next batch, so batch size grows with load and latency stays one commit when idle. An optional
/// batch period trades that idle latency for fewer, larger transactions.
public actor Sequencer {
    /// Tuning for batching and back-pressure.
    public struct Limits: Sendable {
        /// Most entries the queue holds before `submit` answers `queueFull`.
        public var queueCapacity: Int = 20_000
        /// Most entries committed in one transaction.
        public var maxBatchSize: Int = 2_000
        /// How long the first entry of an idle log waits for others to join its batch.
        public var batchPeriod: Duration = .zero
        public init(queueCapacity: Int = 20_000, maxBatchSize: Int = 2_000, batchPeriod: Duration = .zero) {
            self.queueCapacity = queueCapacity
            self.maxBatchSize = maxBatchSize
            self.batchPeriod = batchPeriod
        }
    }

    private struct Pending {
        let entry: PreparedEntry
        let continuation: CheckedContinuation<SequencingResult, any Error>
        /// When the entry was submitted (`DispatchTime` nanoseconds), for the commit-latency metric.
        let submitted: UInt64
    }

    private let store: any LogStore
    private let identity: LogIdentity
    private let signer: any NoteSigner
    private let cache: HashCache
    private let limits: Limits
    private let now: @Sendable () -> Date
    private let metrics: SequencerMetrics
    let published: TreeHeadBox

    private var tree: CompactRange
    private var pending: [Pending] = []
    private var draining = false
    private var failure: String?
    private var closing = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set when several replicas share the log: how entries reach the replica that sequences.
    private var replication: (any SequencerReplication)?
    /// The stored tree may have grown under another replica: rebuild before the next round.
    private var needsResync = false

    /// Resumes from the stored state. Nothing stored is recomputed: the right edge is read back in
    /// O(log n) hashes. Refuses to start if the stored tree, the stored checkpoint and the log key disagree.
    public init(store: any LogStore, signer: any NoteSigner, verifier: any NoteVerifier, signerKey: VerificationKey,
                cache: HashCache, metricsName: String = "rekor",
                limits: Limits = Limits(), now: @escaping @Sendable () -> Date = { Date() }) async throws {
        let identity = store.identity()
        let head = try await store.latestTreeHead()
        try Self.checkResumePoint(head, identity: identity, verifier: verifier, signerKey: signerKey)
        let tree = try await CompactRange(treeSize: head.treeSize, reader: CachedHashReader(store: store, cache: cache))
        guard tree.rootHash == head.rootHash else {
            throw LogStartupError.checkpointInvalid(
                "stored tree hashes give root \(tree.rootHash) at size \(head.treeSize), but the checkpoint says \(head.rootHash)")
        }
        self.store = store
        self.identity = identity
        self.signer = signer
        self.cache = cache
        self.limits = limits
        self.now = now
        self.tree = tree
        self.published = TreeHeadBox(head)
        self.metrics = SequencerMetrics(log: metricsName)
        metrics.treeSize.record(head.treeSize)
    }

    /// The stored log must belong to the configured key, and its latest checkpoint must verify with
    /// that key and name exactly the stored head.
    private static func checkResumePoint(_ head: StoredTreeHead, identity: LogIdentity, verifier: any NoteVerifier,
                                         signerKey: VerificationKey) throws {
        let expectedLogID = LowercaseHex.encode(signerKey.keyID)
        guard identity.logID.isExactly(expectedLogID) else {
            throw LogStartupError.keyMismatch(stored: identity.logID, configured: expectedLogID)
        }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(parsing: head.checkpoint, verifiers: [verifier])
        } catch {
            throw LogStartupError.checkpointInvalid("the latest stored checkpoint does not verify with the log key: \(error)")
        }
        guard signed.checkpoint.origin.isExactly(identity.origin), signed.checkpoint.treeSize == head.treeSize,
              signed.checkpoint.rootHash == head.rootHash else {
            throw LogStartupError.checkpointInvalid(
                "the latest checkpoint (size \(signed.checkpoint.treeSize), root \(signed.checkpoint.rootHash)) does not match the stored head (size \(head.treeSize), root \(head.rootHash))")
        }
    }

    /// Queues an entry and returns once it is durable in the log (or was already there).
    public func submit(_ entry: PreparedEntry) async throws -> SequencingResult {
        if let failure { throw SequencerError.stopped(failure) }
        if closing { throw SequencerError.shuttingDown }
        // A replica that does not sequence hands the entry to the one that does, through the database.
        if let replication, entry.ticket == nil, !replication.isSequencing { return try await replication.forward(entry) }
        guard pending.count < limits.queueCapacity else { throw SequencerError.queueFull(capacity: limits.queueCapacity) }
        let submitted = DispatchTime.now().uptimeNanoseconds
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(entry: entry, continuation: continuation, submitted: submitted))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// Entries waiting to be sequenced.
    public var queueDepth: Int { pending.count }

    /// Why the sequencer no longer accepts entries, or nil while it does.
    public var stoppedReason: String? {
        if let failure { return failure }
        return closing ? "shutting down" : nil
    }

    /// Stops accepting entries and returns once every queued entry has been committed (or failed)
    /// and answered. Called on graceful shutdown, before the store is closed.
    public func shutdown() async {
        closing = true
        guard draining else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func drain() async {
        if limits.batchPeriod > .zero, !closing { try? await Task.sleep(for: limits.batchPeriod) }
        while !pending.isEmpty {
            let take = min(pending.count, limits.maxBatchSize)
            let batch = Array(pending.prefix(take))
            pending.removeFirst(take)
            await sequence(batch)
        }
        draining = false
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// One round: assign indexes and sign, commit, then publish and answer. Every submission in
    /// `batch` is answered exactly once, whatever happens.
    ///
    /// Submissions are nearly always new, so the round does not look for duplicates first (a read,
    /// and a thread hop, per round): the store refuses a batch holding an entry it already has,
    /// writing nothing (``AlreadyStored``), and the round is redone once with what it found.
    private func sequence(_ batch: [Pending], existing: [Hash: StoredEntry]? = nil) async {
        if let failure { return fail(batch, SequencerError.stopped(failure)) }
        if needsResync {
            do { try await resync() } catch {
                return fail(batch, SequencerError.unavailable("could not read the shared log's tree: \(error)"))
            }
        }

        // 1. Assign indexes, extend the tree, sign the new checkpoint. Nothing is visible yet.
        let before = tree
        let assigned = assign(batch.map(\.entry), existing: existing ?? [:])
        if assigned.entries.isEmpty { return answerDuplicates(batch, assigned) }
        let head: StoredTreeHead
        do {
            head = try signedHead()
        } catch {
            tree = before
            return fail(batch, SequencerError.commitFailed("signing failed: \(error)"))
        }

        // 2. One transaction: entries, tree hashes, search rows, checkpoint.
        do {
            try await store.append(assigned.appendBatch(head: head))
        } catch let stored as AlreadyStored where existing == nil {
            // Nothing was written: forget this round's tree and redo it knowing the duplicates.
            tree = before
            return await sequence(batch, existing: stored.entries)
        } catch let refused as NotSequencer {
            // Fenced: nothing was written, and another replica may be extending the tree.
            tree = before
            needsResync = true
            replication?.lostRole(refused.reason)
            return reroute(batch, refused)
        } catch where replication != nil {
            // The shared database did not confirm the commit. Whether it landed or not, the next
            // round starts from what the database holds, whoever wrote it.
            tree = before
            needsResync = true
            return fail(batch, SequencerError.unavailable("the database did not confirm the commit: \(error)"))
        } catch {
            // The write may have landed or not; only the store knows. Re-read it before going on.
            await recover(after: error, before: before, attempted: head)
            return fail(batch, SequencerError.commitFailed("\(error)"))
        }
        // ← commit point: everything below only publishes what is durable.

        // 3. Publish, then answer.
        publish(assigned, head: head, answering: batch)
    }

    /// Joins a group of replicas sharing the log: from now on entries submitted while this replica
    /// does not sequence are forwarded, and each round first catches up with the stored tree if
    /// another replica may have extended it.
    func attach(_ replication: any SequencerReplication) {
        self.replication = replication
        needsResync = true
    }

    /// Another replica may have extended the tree (this one just took the sequencer role over).
    func markStale() { needsResync = true }

    /// Rebuilds the in-memory tree from the stored one, which must match its latest checkpoint.
    private func resync() async throws {
        let head = try await store.latestTreeHead()
        let stored = try await CompactRange(treeSize: head.treeSize, reader: CachedHashReader(store: store, cache: cache))
        guard stored.rootHash == head.rootHash else {
            throw SequencerError.stopped("the stored tree of size \(head.treeSize) has root \(stored.rootHash), but its checkpoint says \(head.rootHash)")
        }
        tree = stored
        needsResync = false
        published.publish(head)
        metrics.treeSize.record(head.treeSize)
    }

    /// A batch the store refused because this replica lost the sequencer role: entries submitted
    /// here go to the replica that sequences now; forwarded ones stay pending for it.
    private func reroute(_ batch: [Pending], _ refused: NotSequencer) {
        guard let replication else { return fail(batch, SequencerError.unavailable(refused.reason)) }
        for item in batch {
            if item.entry.ticket != nil {
                item.continuation.resume(throwing: SequencerError.unavailable(refused.reason))
                continue
            }
            let entry = item.entry, continuation = item.continuation
            Task {
                do { continuation.resume(returning: try await replication.forward(entry)) } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Gives each new entry the next index and extends the in-memory tree. An entry the log already
    /// holds, or that an earlier submission of this batch adds, resolves to that stored entry.
    private func assign(_ submissions: [PreparedEntry], existing: [Hash: StoredEntry]) -> SequencedBatch {
        let integratedTime = Int64(now().timeIntervalSince1970)
        var assigned = SequencedBatch()
        var inBatch: [Hash: StoredEntry] = [:]
        for entry in submissions {
            if let old = existing[entry.leafHash] ?? inBatch[entry.leafHash] {
                assigned.outcomes.append((old, false))
                if let ticket = entry.ticket, !assigned.resolutions.contains(where: { $0.ticket == ticket }) {
                    assigned.resolutions.append((ticket, old.index, false))
                }
                continue
            }
            if let ticket = entry.ticket { assigned.resolutions.append((ticket, tree.treeSize, true)) }
            let stored = StoredEntry(index: tree.treeSize, leafHash: entry.leafHash, body: entry.body,
                                     integratedTime: integratedTime, kind: entry.kind, extra: entry.extra)
            assigned.treeHashes.append(tree.append(leafHash: entry.leafHash))
            assigned.entries.append(stored)
            inBatch[stored.leafHash] = stored
            for key in entry.searchKeys { assigned.searchRows.append((key, stored.index)) }
            assigned.outcomes.append((stored, true))
        }
        return assigned
    }

    /// The checkpoint for the in-memory tree, signed.
    private func signedHead() throws -> StoredTreeHead {
        let checkpoint = Checkpoint(origin: identity.origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
        let note = try SignedCheckpoint.sign(checkpoint, signers: [signer]).note.formatted
        return StoredTreeHead(treeSize: tree.treeSize, rootHash: tree.rootHash, checkpoint: note)
    }

    /// After the commit: caches the new hashes, publishes the head, then answers every submission.
    private func publish(_ assigned: SequencedBatch, head: StoredTreeHead, answering batch: [Pending]) {
        for (entry, hashes) in zip(assigned.entries, assigned.treeHashes) {
            cache.insert(leafIndex: entry.index, storedHashes: hashes)
        }
        published.publish(head)
        let committed = DispatchTime.now().uptimeNanoseconds
        metrics.batchEntries.record(assigned.entries.count)
        metrics.treeSize.record(head.treeSize)
        for (item, outcome) in zip(batch, assigned.outcomes) {
            metrics.commitLatency.recordNanoseconds(Int64(committed &- item.submitted))
            item.continuation.resume(returning: outcome.isNew ? .appended(outcome.entry, treeHead: head) : .duplicate(outcome.entry))
        }
    }

    /// A batch of nothing but entries the log already holds: nothing to write.
    private func answerDuplicates(_ batch: [Pending], _ assigned: SequencedBatch) {
        for (item, outcome) in zip(batch, assigned.outcomes) { item.continuation.resume(returning: .duplicate(outcome.entry)) }
    }

    private func fail(_ batch: [Pending], _ error: SequencerError) {
        for item in batch { item.continuation.resume(throwing: error) }
    }

    /// After a failed commit, adopts what the store durably holds, which must be one of the two
    /// outcomes a failed commit can have: the write was lost (the tree is still `before`), or it
    /// landed and only its report failed (the tree is exactly `attempted`). The tree is rebuilt from
    /// the stored hashes and must give the root of that outcome, as must the stored checkpoint. Any
    /// other state means the store changed under its only writer (another process, a restored file,
    /// corruption), and the sequencer stops rather than extend a tree it cannot account for.
    private func recover(after commitError: any Error, before: CompactRange, attempted: StoredTreeHead) async {
        do {
            let head = try await store.latestTreeHead()
            let expectedRoot: Hash
            switch head.treeSize {
            case before.treeSize: expectedRoot = before.rootHash
            case attempted.treeSize: expectedRoot = attempted.rootHash
            default:
                failure = "after a failed commit (\(commitError)) the log holds \(head.treeSize) entries: neither \(before.treeSize) (write lost) nor \(attempted.treeSize) (write landed)"
                return
            }
            let stored = try await CompactRange(treeSize: head.treeSize, reader: CachedHashReader(store: store, cache: cache))
            guard stored.rootHash == expectedRoot, head.rootHash == expectedRoot else {
                failure = "after a failed commit (\(commitError)) the stored tree of size \(head.treeSize) has root \(stored.rootHash) and checkpoint root \(head.rootHash); expected \(expectedRoot)"
                return
            }
            tree = stored
            published.publish(head)
        } catch {
            failure = "could not re-read the log after a failed commit (\(commitError)): \(error)"
        }
    }
}
