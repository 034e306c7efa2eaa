import Foundation
import Merkle
import SigstoreKit
import Synchronization
import TestSupport
import Testing
@testable import TransparencyLog

/// A store that breaks on demand: the write is lost, or it lands but reports failure (STYLE G12).
final class FaultyStore: LogStore {
    enum Fault: Sendable, CustomStringConvertible {
        case lostWrite, landedButFailed, slow(Duration)
        var description: String {
            switch self {
            case .lostWrite: "write lost"
            case .landedButFailed: "write landed, reported failure"
            case .slow(let d): "slow \(d)"
            }
        }
    }

    struct Injected: Error {}

    let inner: any LogStore
    let fault = Mutex<Fault?>(nil)

    init(_ inner: any LogStore) { self.inner = inner }

    func close() throws { try inner.close() }

    func append(_ batch: AppendBatch) async throws {
        switch fault.withLock({ $0 }) {
        case .lostWrite?: throw Injected()
        case .landedButFailed?:
            try await inner.append(batch)
            throw Injected()
        case .slow(let delay)?:
            try await Task.sleep(for: delay)
            try await inner.append(batch)
        case nil:
            try await inner.append(batch)
        }
    }

    func identity() -> LogIdentity { inner.identity() }
    func latestTreeHead() async throws -> StoredTreeHead { try await inner.latestTreeHead() }
    func checkpoint(treeSize: Int64) async throws -> String? { try await inner.checkpoint(treeSize: treeSize) }
    func entry(at index: Int64) async throws -> StoredEntry? { try await inner.entry(at: index) }
    func entry(leafHash: Hash) async throws -> StoredEntry? { try await inner.entry(leafHash: leafHash) }
    func entries(in range: Range<Int64>) async throws -> [StoredEntry] { try await inner.entries(in: range) }
    func search(key: String, limit: Int) async throws -> [Int64] { try await inner.search(key: key, limit: limit) }
    func readHashes(at indexes: [Int64]) async throws -> [Hash] { try await inner.readHashes(at: indexes) }
}

func prepared(_ n: Int) -> PreparedEntry {
    PreparedEntry(body: Array("entry-\(n)-\(UUID().uuidString)".utf8), kind: "test", searchKeys: ["hash:test\(n)"])
}

@Suite struct SequencerTests {
    @Test func concurrentSubmissionsGetDistinctIndexesAndOneConsistentTree() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let entries = (0..<500).map(prepared)
        let results = try await withThrowingTaskGroup(of: (Int, SequencingResult).self) { group in
            for (i, entry) in entries.enumerated() {
                group.addTask { (i, try await service.sequencer.submit(entry)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        var byIndex: [Int64: Hash] = [:]
        for (i, result) in results {
            guard case .appended(let stored, let head) = result else { Issue.record("entry \(i) not appended"); continue }
            #expect(stored.leafHash == entries[i].leafHash)
            #expect(byIndex[stored.index] == nil)
            byIndex[stored.index] = stored.leafHash
            // Every answer's tree head already contains the entry and is durable.
            #expect(head.treeSize > stored.index)
            #expect(try await log.openStore().checkpoint(treeSize: head.treeSize) == head.checkpoint)
        }
        #expect(byIndex.keys.sorted() == Array(0..<500))
        let leaves = (0..<500).map { byIndex[Int64($0)]! }
        #expect(service.treeHead.rootHash == referenceRoot(leaves[...]))
        #expect(service.treeHead.treeSize == 500)
    }

    @Test func duplicatesInOneBatchAndAcrossBatchesAreNotAppendedTwice() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let entry = prepared(1)
        let results = try await withThrowingTaskGroup(of: SequencingResult.self) { group in
            for _ in 0..<20 { group.addTask { try await service.sequencer.submit(entry) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let appended = results.filter { if case .appended = $0 { true } else { false } }
        #expect(appended.count == 1)
        if case .duplicate(let old) = try await service.sequencer.submit(entry) { #expect(old.index == 0) } else {
            Issue.record("expected a duplicate")
        }
        #expect(service.treeHead.treeSize == 1)
    }

    /// A round is committed without looking for duplicates first; a batch mixing stored and new
    /// entries is refused by the store, writing nothing, and redone: the stored ones answer with
    /// their original index, the new ones are appended once, and the tree stays consistent.
    @Test func aBatchMixingStoredAndNewEntriesIsRedoneWithTheStoredOnes() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let entries = (0..<6).map { prepared($0) }
        for n in 0..<3 { _ = try await service.sequencer.submit(entries[n]) }
        let results = try await withThrowingTaskGroup(of: (Int, SequencingResult).self) { group in
            for n in 0..<6 { group.addTask { (n, try await service.sequencer.submit(entries[n])) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        for n in 0..<3 {
            guard case .duplicate(let old)? = results[n] else { Issue.record("entry \(n) should be a duplicate"); continue }
            #expect(old.index == Int64(n))
        }
        for n in 3..<6 {
            guard case .appended(let new, _)? = results[n] else { Issue.record("entry \(n) should be appended"); continue }
            #expect((3..<6).contains(new.index))
        }
        #expect(service.treeHead.treeSize == 6)
        let store = try await log.openStore()
        var leaves: [Hash] = []
        for index in 0..<6 { leaves.append(try #require(try await store.entry(at: Int64(index))).leafHash) }
        try store.close()
        #expect(service.treeHead.rootHash == referenceRoot(leaves[...]))
    }

    @Test func theStoreRefusesABatchHoldingAStoredLeafAndWritesNothing() async throws {
        let log = try TestLog()
        let service = try await log.service()
        let stored = try await service.sequencer.submit(prepared(0))
        guard case .appended(let entry, let head) = stored else { Issue.record("not appended"); return }
        let store = try await log.openStore(sequencing: true)
        let again = AppendBatch(entries: [StoredEntry(index: 1, leafHash: entry.leafHash, body: entry.body, integratedTime: entry.integratedTime,
                                                      kind: entry.kind, extra: entry.extra)],
                                treeHashes: [[]], searchRows: [], checkpoint: head.checkpoint, treeSize: 2, rootHash: head.rootHash)
        await #expect(throws: AlreadyStored.self) { try await store.append(again) }
        #expect(try await store.latestTreeHead().treeSize == 1)
        #expect(try await store.entry(at: 1) == nil)
        try store.close()
    }

    /// The store's duplicate check probes an index on the first 8 bytes of each leaf hash: a hash
    /// that shares them with a stored one, in a batch beside a stored leaf, is not taken for it.
    @Test func aMixedBatchIsRefusedNamingOnlyItsStoredLeaf() async throws {
        let log = try TestLog()
        let service = try await log.service()
        guard case .appended(let entry, let head) = try await service.sequencer.submit(prepared(0)) else {
            Issue.record("not appended"); return
        }
        let store = try await log.openStore(sequencing: true)
        var twin = entry.leafHash.bytes
        twin[31] ^= 0xFF
        let hashes = [try #require(Hash(twin)), entry.leafHash, try #require(Hash([UInt8](repeating: 7, count: 32)))]
        let batch = AppendBatch(entries: hashes.enumerated().map { offset, hash in
                                    StoredEntry(index: 1 + Int64(offset), leafHash: hash, body: [UInt8(offset)], integratedTime: 0, kind: "test")
                                },
                                treeHashes: [[], [], []], searchRows: [], checkpoint: head.checkpoint, treeSize: 4, rootHash: head.rootHash)
        let refusal = await #expect(throws: AlreadyStored.self) { try await store.append(batch) }
        #expect(refusal?.entries.keys.map(\.bytes) == [entry.leafHash.bytes])
        #expect(refusal?.entries[entry.leafHash]?.index == 0)
        #expect(try await store.latestTreeHead().treeSize == 1)
        try store.close()
    }

    @Test func fullQueueAnswersQueueFull() async throws {
        let log = try TestLog { $0.sequencer = .init(queueCapacity: 2, maxBatchSize: 1) }
        let store = FaultyStore(try await log.openStore(sequencing: true))
        store.fault.withLock { $0 = .slow(.milliseconds(300)) }
        let service = try await log.service(store: store)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<10 {
                group.addTask {
                    do {
                        _ = try await service.sequencer.submit(prepared(n))
                        return true
                    } catch SequencerError.queueFull {
                        return false
                    } catch {
                        Issue.record("unexpected \(error)")
                        return false
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.contains(false))
        #expect(outcomes.filter { $0 }.count >= 2)
        #expect(service.treeHead.treeSize == Int64(outcomes.filter { $0 }.count))
    }

    @Test(arguments: [FaultyStore.Fault.lostWrite, .landedButFailed])
    func sequencerRecoversFromAFailedCommit(_ fault: FaultyStore.Fault) async throws {
        let log = try TestLog()
        let store = FaultyStore(try await log.openStore(sequencing: true))
        let service = try await log.service(store: store)
        _ = try await service.sequencer.submit(prepared(0))
        store.fault.withLock { $0 = fault }
        let victim = prepared(1)
        await #expect(throws: SequencerError.self) { _ = try await service.sequencer.submit(victim) }
        store.fault.withLock { $0 = nil }
        let expectedSize: Int64 = if case .landedButFailed = fault { 2 } else { 1 }
        #expect(service.treeHead.treeSize == expectedSize)
        // The client retries: the entry is appended exactly once.
        let retry = try await service.sequencer.submit(victim)
        switch (fault, retry) {
        case (.landedButFailed, .duplicate(let old)): #expect(old.index == 1)
        case (.lostWrite, .appended(let new, _)): #expect(new.index == 1)
        default: Issue.record("unexpected retry outcome \(retry) after \(fault)")
        }
        _ = try await service.sequencer.submit(prepared(2))
        #expect(service.treeHead.treeSize == 3)
        // And a restart agrees with everything published.
        let reopened = try await log.service()
        #expect(reopened.treeHead == service.treeHead)
    }

    /// A failed commit leaves the log where the sequencer left it or exactly one batch further; any
    /// other state means a second writer, and the sequencer stops rather than adopt a tree it did not build.
    @Test func stopsWhenAFailedCommitRevealsAnotherWriter() async throws {
        let log = try TestLog()
        let owner = try await log.service()
        _ = try await owner.sequencer.submit(prepared(0))
        let intruder = try await log.service()
        for n in 1...2 { _ = try await intruder.sequencer.submit(prepared(n)) }
        // The owner's next commit collides with the intruder's rows and fails.
        await #expect(throws: SequencerError.self) { _ = try await owner.sequencer.submit(prepared(3)) }
        if TestStorage.isPostgres {
            // On PostgreSQL the intruder took the sequencer lease, so the owner's batch is fenced
            // out before it writes anything: refused, never adopted, and the tree is the intruder's.
            #expect(try await log.openStore().latestTreeHead().treeSize == 3)
        } else {
            let reason = try #require(await owner.sequencer.stoppedReason)
            #expect(reason.contains("neither 1 (write lost) nor 2 (write landed)"))
        }
        await #expect(throws: SequencerError.self) { _ = try await owner.sequencer.submit(prepared(4)) }
        // A fenced-out replica may follow the shared tree (size 3), never publish one of its own.
        #expect(TestStorage.isPostgres ? [1, 3].contains(owner.treeHead.treeSize) : owner.treeHead.treeSize == 1)
    }

    @Test func restartResumesWithoutRecomputingAndKeepsAppending() async throws {
        let log = try TestLog()
        var leaves: [Hash] = []
        do {
            let service = try await log.service()
            for n in 0..<37 { leaves.append(try await appendedLeaf(service, prepared(n))) }
        }
        let service = try await log.service()
        #expect(service.treeHead.treeSize == 37)
        for n in 37..<70 { leaves.append(try await appendedLeaf(service, prepared(n))) }
        #expect(service.treeHead.rootHash == referenceRoot(leaves[...]))
        // Every checkpoint ever published is consistent with the final tree.
        let store = try await log.openStore()
        for size in Int64(1)...70 {
            let note = try #require(try await store.checkpoint(treeSize: size))
            let checkpoint = try LogEntryVerification.verifyCheckpoint(note, logKey: log.key.verificationKey)
            #expect(checkpoint.rootHash == referenceRoot(leaves[0..<Int(size)]))
            let (proof, root) = try await service.consistencyProof(firstSize: size, lastSize: 70)
            if size < 70 { try proof.verify(oldRoot: checkpoint.rootHash, newRoot: root) }
        }
    }

    func appendedLeaf(_ service: LogService, _ entry: PreparedEntry) async throws -> Hash {
        guard case .appended(let stored, _) = try await service.sequencer.submit(entry) else {
            throw LogError(.internalError, "not appended")
        }
        return stored.leafHash
    }

    @Test func refusesToStartWithAnotherKey() async throws {
        let log = try TestLog()
        await #expect(throws: LogStartupError.self) {
            _ = try await LogService(store: try await log.openStore(), signingKey: .generateP256(), configuration: log.configuration)
        }
    }

    @Test func refusesToStartWhenStoredStateAndCheckpointDisagree() async throws {
        let log = try TestLog()
        do {
            let service = try await log.service()
            for n in 0..<5 { _ = try await service.sequencer.submit(prepared(n)) }
        }
        // Tamper with a stored tree hash: the right edge no longer reproduces the signed root.
        try await TestStorage.tamper(templatePath: log.databasePath,
                                     sqlite: "UPDATE tree SET hashes = zeroblob(length(hashes)) WHERE idx = 3",
                                     postgres: "UPDATE rekor_tree SET hashes = decode(repeat('00', length(hashes)), 'hex') WHERE idx = 3")
        await #expect(throws: LogStartupError.self) { _ = try await log.service() }
        // An entry without its checkpoint (a half-written batch) is also refused.
        let log2 = try TestLog()
        do {
            let service = try await log2.service()
            _ = try await service.sequencer.submit(prepared(0))
        }
        try await TestStorage.tamper(templatePath: log2.databasePath, sqlite: "DELETE FROM checkpoints WHERE tree_size = 1",
                                     postgres: "DELETE FROM rekor_checkpoints WHERE tree_size = 1")
        await #expect(throws: (any Error).self) { _ = try await log2.service() }
    }

    @Test func openingAMissingDatabaseFailsClosed() throws {
        let directory = TemporaryDirectory()
        #expect(throws: SQLiteLogStore.StoreError.self) { _ = try SQLiteLogStore.open(path: directory.path("nothing.sqlite")) }
        #expect(!FileManager.default.fileExists(atPath: directory.path("nothing.sqlite")))
        let log = try TestLog()
        #expect(throws: SQLiteLogStore.StoreError.self) {
            _ = try LogService.createStore(path: log.databasePath, signingKey: log.key, name: "again")
        }
    }
}
