import Foundation
import Merkle
import Testing
@testable import TransparencyLog

/// Stored hashes live in per-leaf rows; reading them back must give what the tree computed. The
/// first test runs on the selected backend (`TestStorage`); the others are about SQLite's files.
@Suite struct SQLiteLogStoreTests {
    @Test func storedHashesReadBackForEveryIndex() async throws {
        let log = try TestLog()
        let service = try await log.service()
        for n in 0..<100 { _ = try await service.sequencer.submit(prepared(n)) }
        let store = try await log.openStore()
        var memory: [Hash] = []
        var tree = CompactRange()
        for entry in try await store.entries(in: 0..<100) { memory += tree.append(leafHash: entry.leafHash) }
        let all = Array(Int64(0)..<StoredHashes.count(treeSize: 100))
        #expect(try await store.readHashes(at: all) == memory)
        #expect(try await store.readHashes(at: all.reversed()) == memory.reversed())
        for size in Int64(1)...100 {
            #expect(try await treeHash(treeSize: size, reader: store) == (try await treeHash(treeSize: size, reader: service.reader)))
        }
    }

    /// Commits reach the database file through background checkpoints, spaced out so that a run of
    /// small commits shares one instead of paying a database sync each.
    @Test func checkpointsCopyCommitsIntoTheDatabaseFileAndShareOneInterval() async throws {
        let log = try TestLog()
        let store = try SQLiteLogStore.open(path: log.databasePath)
        let service = try await log.service(store: store)
        let emptySize = try FileManager.default.attributesOfItem(atPath: log.databasePath)[.size] as? Int ?? 0
        let start = ContinuousClock.now
        for n in 0..<40 { _ = try await service.sequencer.submit(prepared(n)) }
        let elapsed = ContinuousClock.now - start
        var size = emptySize
        for _ in 0..<100 where size == emptySize {
            try await Task.sleep(for: .milliseconds(20))
            size = try FileManager.default.attributesOfItem(atPath: log.databasePath)[.size] as? Int ?? 0
        }
        #expect(size > emptySize, "no checkpoint copied the commits into \(log.databasePath)")
        // 40 commits, one at a time; at most one checkpoint per 100 ms interval (plus the last).
        let allowed = Int(elapsed / .milliseconds(100)) + 2
        #expect(store.checkpointer.completed <= allowed, "\(store.checkpointer.completed) checkpoints for 40 commits in \(elapsed)")
        try store.close()
        #expect(try await SQLiteLogStore.open(path: log.databasePath).latestTreeHead().treeSize == 40)
    }

    /// Under steady appends the WAL still starts over: without restarts its file would hold every
    /// frame ever committed (at least two 4 KB pages per commit).
    @Test func walFileStaysBoundedUnderSteadyAppends() async throws {
        let log = try TestLog()
        let store = try SQLiteLogStore.open(path: log.databasePath, walRestartFrames: 64, walCheckpointInterval: .milliseconds(10))
        let service = try await log.service(store: store)
        let commits = 2_000
        for n in 0..<commits { _ = try await service.sequencer.submit(prepared(n)) }
        let walBytes = try FileManager.default.attributesOfItem(atPath: log.databasePath + "-wal")[.size] as? Int ?? 0
        let unbounded = commits * 2 * 4096
        #expect(walBytes < unbounded / 2, "WAL is \(walBytes) bytes after \(commits) commits")
        try store.close()
        #expect(try await SQLiteLogStore.open(path: log.databasePath).latestTreeHead().treeSize == Int64(commits))
    }

    @Test func locationOfStoredHashes() {
        for leaf in Int64(0)..<1000 {
            let first = StoredHashes.index(level: 0, index: leaf)
            let next = StoredHashes.index(level: 0, index: leaf + 1)
            for (offset, index) in (first..<next).enumerated() {
                let location = SQLiteLogStore.location(ofStoredHash: index)
                #expect(location.leaf == leaf && location.offset == offset)
            }
        }
    }
}
