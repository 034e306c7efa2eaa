import Foundation
import GRDB
import Testing
@testable import TransparencyLog

/// The SQLite search index (`SQLiteLogStore+SearchIndex.swift`): hashed keys find entries only
/// when the entry holds the key itself, and a file with the first layout is rewritten on open.
@Suite struct SQLiteSearchIndexTests {
    static func entry(_ n: Int) -> PreparedEntry {
        PreparedEntry(body: Array("entry-\(n)-\(UUID().uuidString)".utf8), kind: "test",
                      searchKeys: ["hash:test\(n)", "identity:signer-\(n % 5)@example.com"])
    }

    static let keys = ["hash:test0", "hash:test49", "identity:signer-0@example.com", "identity:signer-3@example.com", "hash:absent"]

    @Test func aHashHitWhoseEntryLacksTheKeyIsNoResult() async throws {
        let log = try TestLog()
        let store = try SQLiteLogStore.open(path: log.databasePath)
        let service = try await log.service(store: store)
        for n in 0..<3 { _ = try await service.sequencer.submit(Self.entry(n)) }
        // What a collision on the 8-byte key hash would add: entry 2 under entry 0's key.
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO search(key_hash, idx) VALUES (?, 2)", arguments: [SQLiteLogStore.keyHash("hash:test0")])
        }
        #expect(try await store.search(key: "hash:test0", limit: 10) == [0])
        #expect(try await store.search(key: "hash:test0", from: 0, limit: 10) == [0])
        #expect(try await store.search(key: "hash:test2", limit: 10) == [2])
        try store.close()
    }

    @Test func anIndexOfTheFirstLayoutIsRewrittenWhenTheFileIsOpened() async throws {
        let log = try TestLog()
        let store = try SQLiteLogStore.open(path: log.databasePath)
        let service = try await log.service(store: store)
        for n in 0..<50 { _ = try await service.sequencer.submit(Self.entry(n)) }
        var before: [String: [Int64]] = [:]
        for key in Self.keys { before[key] = try await store.search(key: key, limit: 100) }
        #expect(before["identity:signer-3@example.com"] == [3, 8, 13, 18, 23, 28, 33, 38, 43, 48])
        let exported = try await store.searchRows(after: nil, limit: 1_000)
        try store.close()

        // The file as a sigil-server before this layout left it: one table of text keys.
        let queue = try DatabaseQueue(path: log.databasePath)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE first (key TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (key, idx)) WITHOUT ROWID")
            try db.execute(sql: "INSERT INTO first SELECT key, idx FROM search_keys")
            try db.execute(sql: "DROP TABLE search; DROP TABLE search_keys; ALTER TABLE first RENAME TO search")
        }
        try queue.close()

        // Two servers starting on the file at once: one rewrites it, the other then finds it done.
        async let first = Task.detached { try SQLiteLogStore.open(path: log.databasePath) }.value
        async let second = Task.detached { try SQLiteLogStore.open(path: log.databasePath) }.value
        let (reopened, other) = try await (first, second)
        try other.close()
        #expect(try await reopened.read { db in try db.columns(in: "search").map(\.name) } == ["key_hash", "idx"])
        #expect(try await reopened.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == SQLiteLogStore.layoutVersion)
        for key in Self.keys { #expect(try await reopened.search(key: key, limit: 100) == before[key], "\(key)") }
        #expect(try await reopened.search(key: "identity:signer-3@example.com", from: 20, limit: 2) == [23, 28])
        let again = try await reopened.searchRows(after: nil, limit: 1_000)
        #expect(again.map(\.key) == exported.map(\.key) && again.map(\.index) == exported.map(\.index))
        // Appends go on in the new layout.
        let next = try await log.service(store: reopened)
        _ = try await next.sequencer.submit(Self.entry(53))
        #expect(try await reopened.search(key: "identity:signer-3@example.com", limit: 100) == before["identity:signer-3@example.com"]! + [50])
        try reopened.close()
    }

    @Test func aFileOfANewerLayoutIsRefused() async throws {
        let log = try TestLog()
        let queue = try DatabaseQueue(path: log.databasePath)
        try await queue.write { db in try db.execute(sql: "PRAGMA user_version = \(SQLiteLogStore.layoutVersion + 1)") }
        try queue.close()
        #expect(throws: SQLiteLogStore.StoreError.self) { try SQLiteLogStore.open(path: log.databasePath) }
    }
}
