import Foundation
import GRDB
import Merkle
import Testing
import TestSupport
@testable import TransparencyLog

/// `sigil-server migrate sqlite-to-postgres`'s copy: everything an SQLite log stores arrives, the
/// copied log keeps serving and growing, and a copy that does not reproduce the source's tree is
/// rolled back whole.
@Suite(.enabled(if: TemporaryPostgres.available, Comment(rawValue: TemporaryPostgres.skipReason)))
struct PostgresLogImportTests {
    /// An SQLite log (whatever the selected test backend) holding `count` entries in batches of
    /// several sizes.
    static func filledSQLiteLog(_ count: Int) async throws -> (TestLog, SQLiteLogStore) {
        let log = try TestLog()
        let store = try SQLiteLogStore.open(path: log.databasePath)
        let service = try await log.service(store: store)
        for n in 0..<count / 3 { _ = try await service.sequencer.submit(prepared(n)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in count / 3..<count { group.addTask { _ = try await service.sequencer.submit(prepared(n)) } }
            try await group.waitForAll()
        }
        return (log, store)
    }

    @Test func aCopiedLogServesTheSameTreeAndKeepsGrowing() async throws {
        let (log, source) = try await Self.filledSQLiteLog(300)
        let head = try await source.latestTreeHead()
        let database = try await PostgresTestLog.connect(try PostgresURL(parsing: try await offCooperativePool { try TemporaryPostgres.shared().createDatabase() }))
        // Small chunks, so the copy crosses many chunk boundaries.
        let report = try await PostgresLogStore.importing(source, into: database, log: "rekor", chunk: 37)
        #expect(report.treeSize == 300 && report.rootHash == head.rootHash)
        let copy = try await PostgresLogStore.open(database: database, log: "rekor") {
            throw PostgresDatabase.Failure("the copied log should exist")
        }
        #expect(copy.identity() == source.identity())
        #expect(try await copy.latestTreeHead() == head)
        #expect(try await copy.entries(in: 0..<300) == (try await source.entries(in: 0..<300)))
        let all = Array(Int64(0)..<StoredHashes.count(treeSize: 300))
        #expect(try await copy.readHashes(at: all) == (try await source.readHashes(at: all)))
        for n in [0, 150, 299] { #expect(try await copy.search(key: "hash:test\(n)", limit: 5) == (try await source.search(key: "hash:test\(n)", limit: 5))) }
        let checkpoints = try await source.checkpoints(after: -1, limit: 1_000)
        #expect(report.checkpoints == checkpoints.count)
        for checkpoint in checkpoints { #expect(try await copy.checkpoint(treeSize: checkpoint.treeSize) == checkpoint.note) }
        // The copy opens under the log's key (which re-checks the stored right edge) and appends
        // where the source stopped, consistent with the source's last checkpoint.
        copy.setFence(try await copy.acquireLease(holder: "after-migration", duration: .seconds(60)))
        let service = try await LogService(store: copy, signingKey: log.key, configuration: log.configuration)
        guard case .appended(let next, let newHead) = try await service.sequencer.submit(prepared(1_000)) else {
            Issue.record("the copied log did not append")
            return
        }
        #expect(next.index == 300)
        let (proof, root) = try await service.consistencyProof(firstSize: 300, lastSize: newHead.treeSize)
        try proof.verify(oldRoot: head.rootHash, newRoot: root)
        // A second copy into the same database is refused and changes nothing.
        await #expect(throws: PostgresLogStore.ImportError.self) { _ = try await PostgresLogStore.importing(source, into: database, log: "rekor") }
        #expect(try await copy.latestTreeHead().treeSize == 301)
    }

    @Test func aSourceWhoseTreeDoesNotAddUpIsNotCopied() async throws {
        let (_, source) = try await Self.filledSQLiteLog(60)
        try await source.pool.write { db in try db.execute(sql: "UPDATE tree SET hashes = zeroblob(length(hashes)) WHERE idx = 41") }
        let database = try await PostgresTestLog.connect(try PostgresURL(parsing: try await offCooperativePool { try TemporaryPostgres.shared().createDatabase() }))
        await #expect(throws: PostgresLogStore.ImportError.self) { _ = try await PostgresLogStore.importing(source, into: database, log: "rekor", chunk: 16) }
        // Rolled back whole: not even the tables remain, so a fixed source can be copied later.
        #expect(try await PostgresLogStore.exists(database: database, log: "rekor") == false)
        // A checkpoint whose root its leaves do not make is refused too.
        let (_, other) = try await Self.filledSQLiteLog(30)
        try await other.pool.write { db in try db.execute(sql: "UPDATE checkpoints SET root_hash = zeroblob(32) WHERE tree_size = 5") }
        await #expect(throws: PostgresLogStore.ImportError.self) { _ = try await PostgresLogStore.importing(other, into: database, log: "ct") }
        #expect(try await PostgresLogStore.exists(database: database, log: "ct") == false)
        // So is an entry whose body is not the leaf the tree holds (what clients would be served).
        let (_, third) = try await Self.filledSQLiteLog(20)
        try await third.pool.write { db in try db.execute(sql: "UPDATE entries SET body = X'00' || body WHERE idx = 7") }
        await #expect(throws: PostgresLogStore.ImportError.self) { _ = try await PostgresLogStore.importing(third, into: database, log: "rekor_v2") }
        // Several logs go in one transaction: a bad one keeps the good one out too.
        let (_, good) = try await Self.filledSQLiteLog(10)
        await #expect(throws: PostgresLogStore.ImportError.self) {
            _ = try await PostgresLogStore.importing([("rekor", good), ("ct", third)], into: database)
        }
        #expect(try await PostgresLogStore.exists(database: database, log: "rekor") == false)
    }

    @Test func aLogMarkedAsMovedIsNotCopiedAgain() async throws {
        let (_, source) = try await Self.filledSQLiteLog(10)
        try await source.markMoved(to: "postgres://sigil@elsewhere:5432/sigil")
        #expect(try await source.movedTo() == "postgres://sigil@elsewhere:5432/sigil")
        let database = try await PostgresTestLog.connect(try PostgresURL(parsing: try await offCooperativePool { try TemporaryPostgres.shared().createDatabase() }))
        await #expect(throws: PostgresLogStore.ImportError.self) { _ = try await PostgresLogStore.importing(source, into: database, log: "rekor") }
    }
}
