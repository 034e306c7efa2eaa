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

    /// Resumes from the stored state. Nothing stored is recomputed: the right edge is read back in
    /// O(log n) hashes. Refuses to start if the stored tree, the stored checkpoint and the log key disagree.
    public init(store: any LogStore, signer: any NoteSigner, verifier: any NoteVerifier, signerKey: VerificationKey,
                cache: HashCache, metricsName: String = "rekor",
                limits: Limits = Limits(), now: @escaping @Sendable () -> Date = { Date() }) throws {
        let identity = try store.identity()
        let head = try store.latestTreeHead()
        let expectedLogID = LowercaseHex.encode(signerKey.keyID)
        guard identity.logID == expectedLogID else {
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
        let reader = CachedHashReader(store: store, cache: cache)
        let tree = try CompactRange(treeSize: head.treeSize, reader: reader)
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

    /// Queues an entry and returns once it is durable in the log (or was already there).
    public func submit(_ entry: PreparedEntry) async throws -> SequencingResult {
        if let failure { throw SequencerError.stopped(failure) }
        if closing { throw SequencerError.shuttingDown }
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

    private func sequence(_ batch: [Pending]) async {
        if let failure {
            for item in batch { item.continuation.resume(throwing: SequencerError.stopped(failure)) }
            return
        }
        let existing: [Hash: StoredEntry]
        do {
            existing = try store.entries(leafHashes: batch.map(\.entry.leafHash))
        } catch {
            for item in batch { item.continuation.resume(throwing: SequencerError.commitFailed("\(error)")) }
            return
        }

        // 1. Assign indexes, extend the tree, sign the new checkpoint. Nothing is visible yet.
        let before = tree
        let integratedTime = Int64(now().timeIntervalSince1970)
        var entries: [StoredEntry] = []
        var treeHashes: [[Hash]] = []
        var searchRows: [(key: String, index: Int64)] = []
        var inBatch: [Hash: StoredEntry] = [:]
        var outcomes: [(Pending, StoredEntry, isNew: Bool)] = []
        for item in batch {
            if let old = existing[item.entry.leafHash] ?? inBatch[item.entry.leafHash] {
                outcomes.append((item, old, false))
                continue
            }
            let stored = StoredEntry(index: tree.treeSize, leafHash: item.entry.leafHash, body: item.entry.body,
                                     integratedTime: integratedTime, kind: item.entry.kind, extra: item.entry.extra)
            treeHashes.append(tree.append(leafHash: item.entry.leafHash))
            entries.append(stored)
            inBatch[stored.leafHash] = stored
            for key in item.entry.searchKeys { searchRows.append((key, stored.index)) }
            outcomes.append((item, stored, true))
        }
        if entries.isEmpty {
            for (item, old, _) in outcomes { item.continuation.resume(returning: .duplicate(old)) }
            return
        }
        let head: StoredTreeHead
        let appendBatch: AppendBatch
        do {
            let checkpoint = Checkpoint(origin: identity.origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
            let note = try SignedCheckpoint.sign(checkpoint, signers: [signer]).note.formatted
            head = StoredTreeHead(treeSize: tree.treeSize, rootHash: tree.rootHash, checkpoint: note)
            appendBatch = AppendBatch(entries: entries, treeHashes: treeHashes, searchRows: searchRows,
                                      checkpoint: note, treeSize: head.treeSize, rootHash: head.rootHash)
        } catch {
            tree = before
            for (item, _, _) in outcomes { item.continuation.resume(throwing: SequencerError.commitFailed("signing failed: \(error)")) }
            return
        }

        // 2. One transaction: entries, tree hashes, search rows, checkpoint.
        do {
            try await store.append(appendBatch)
        } catch {
            // The write may have landed or not; only the store knows. Re-read it before going on.
            recover(after: error, expectedSize: head.treeSize)
            for (item, _, _) in outcomes { item.continuation.resume(throwing: SequencerError.commitFailed("\(error)")) }
            return
        }
        // ← commit point: everything below only publishes what is durable.

        // 3. Publish, then answer.
        for (entry, hashes) in zip(entries, treeHashes) { cache.insert(leafIndex: entry.index, storedHashes: hashes) }
        published.publish(head)
        let committed = DispatchTime.now().uptimeNanoseconds
        metrics.batchEntries.record(entries.count)
        metrics.treeSize.record(head.treeSize)
        for (item, entry, isNew) in outcomes {
            metrics.commitLatency.recordNanoseconds(Int64(committed &- item.submitted))
            item.continuation.resume(returning: isNew ? .appended(entry, treeHead: head) : .duplicate(entry))
        }
    }

    /// After a failed commit, adopt whatever the store actually holds.
    private func recover(after error: any Error, expectedSize: Int64) {
        do {
            let head = try store.latestTreeHead()
            tree = try CompactRange(treeSize: head.treeSize, reader: CachedHashReader(store: store, cache: cache))
            guard tree.rootHash == head.rootHash else {
                failure = "after a failed commit the stored tree (root \(tree.rootHash)) disagrees with its checkpoint"
                return
            }
            published.publish(head)
        } catch {
            failure = "could not re-read the log after a failed commit: \(error)"
        }
    }
}

/// Why the log refuses to start.
public enum LogStartupError: Error, CustomStringConvertible {
    case keyMismatch(stored: String, configured: String)
    case checkpointInvalid(String)

    public var description: String {
        switch self {
        case .keyMismatch(let stored, let configured):
            "the database belongs to log key \(stored), but the configured key is \(configured)"
        case .checkpointInvalid(let why): why
        }
    }
}
