import Foundation
import Merkle
import NIOCore
import Testing
import TestSupport
@testable import TransparencyLog

/// `PostgresLogStore` keeps the `LogStore` contract against a real PostgreSQL server.
@Suite(.enabled(if: TemporaryPostgres.available, Comment(rawValue: TemporaryPostgres.skipReason)))
struct PostgresLogStoreTests {
    @Test func appendsReadBackLikeTheSQLiteStore() async throws {
        let log = try await PostgresTestLog.make()
        let database = try await log.connect()
        let store = try await log.openStore(database)
        store.setFence(try await store.acquireLease(holder: "test", duration: .seconds(30)))
        let service = try await log.service(store: store)
        // The reference: a SQLite log of its own (not the template PostgreSQL logs are created from).
        let sqlite = try await TestLog().service()
        var entries: [PreparedEntry] = []
        for n in 0..<150 { entries.append(prepared(n)) }
        // Concurrent submissions make multi-entry batches.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for entry in entries { group.addTask { _ = try await service.sequencer.submit(entry) } }
            try await group.waitForAll()
        }
        let stored = try await store.entries(in: 0..<150)
        #expect(stored.map(\.index) == Array(0..<150))
        #expect(Set(stored.map(\.leafHash)) == Set(entries.map(\.leafHash)))
        // The same leaves in the same order through the SQLite store give the same stored hashes.
        for entry in stored {
            _ = try await sqlite.sequencer.submit(PreparedEntry(body: entry.body, kind: entry.kind, searchKeys: []))
        }
        let all = Array(Int64(0)..<StoredHashes.count(treeSize: 150))
        #expect(try await store.readHashes(at: all) == (try await sqlite.reader.readHashes(at: all)))
        let head = try await store.latestTreeHead()
        #expect(head.treeSize == 150)
        #expect(head.rootHash == referenceRoot(stored.map(\.leafHash)[...]))
        #expect(try await store.checkpoint(treeSize: 150) == head.checkpoint)
        #expect(try await store.checkpoint(treeSize: 151) == nil)
        let first = stored[7]
        #expect(try await store.entry(at: 7) == first)
        #expect(try await store.entry(leafHash: first.leafHash) == first)
        let key = entries.first { $0.leafHash == first.leafHash }!.searchKeys[0]
        #expect(try await store.search(key: key, limit: 10) == [7])
        // Every entry's inclusion proof verifies against the stored root.
        for entry in stored {
            let proof = try await service.inclusionProof(leafIndex: entry.index, treeSize: 150)
            try proof.verify(leafHash: entry.leafHash, rootHash: head.rootHash)
        }
        try store.close()
        // A second process opens the same log with the same identity and head.
        let again = try await log.openStore(try await log.connect())
        #expect(again.identity() == store.identity())
        #expect(try await again.latestTreeHead() == head)
        try again.close()
    }

    @Test func aBatchHoldingAStoredEntryWritesNothing() async throws {
        let log = try await PostgresTestLog.make()
        let store = try await log.openStore(try await log.connect())
        store.setFence(try await store.acquireLease(holder: "test", duration: .seconds(30)))
        let service = try await log.service(store: store)
        let entry = prepared(1)
        guard case .appended(let stored, _) = try await service.sequencer.submit(entry) else { Issue.record("not appended"); return }
        guard case .duplicate(let again) = try await service.sequencer.submit(entry) else { Issue.record("not a duplicate"); return }
        #expect(again == stored)
        // Directly: a batch with the stored leaf is refused whole.
        let batch = AppendBatch(entries: [StoredEntry(index: 1, leafHash: entry.leafHash, body: entry.body, integratedTime: 0, kind: "test")],
                                treeHashes: [[entry.leafHash]], searchRows: [], checkpoint: "x", treeSize: 2, rootHash: entry.leafHash)
        await #expect(throws: AlreadyStored.self) { try await store.append(batch) }
        #expect(try await store.latestTreeHead().treeSize == 1)
        try store.close()
    }

    @Test func aReplicaWhoseLeaseWasTakenOverCannotWrite() async throws {
        let log = try await PostgresTestLog.make()
        let first = try await log.openStore(try await log.connect())
        let second = try await log.openStore(try await log.connect())
        let lease = Duration.seconds(1)
        let old = try #require(try await first.acquireLease(holder: "first", duration: lease))
        first.setFence(old)
        #expect(try await second.acquireLease(holder: "second", duration: lease) == nil, "a live lease was granted twice")
        // The first replica stalls past its lease; the second takes over with a newer epoch.
        while try await first.leaseState().live { try await Task.sleep(for: .milliseconds(100)) }
        let new = try #require(try await second.acquireLease(holder: "second", duration: .seconds(30)))
        #expect(new.epoch > old.epoch)
        second.setFence(new)
        // The stalled replica still believes it sequences; its write is fenced and leaves nothing.
        #expect(first.currentFence == old)
        let head = try await first.latestTreeHead()
        let batch = AppendBatch(entries: [StoredEntry(index: head.treeSize, leafHash: prepared(1).leafHash, body: [1], integratedTime: 0, kind: "test")],
                                treeHashes: [[prepared(1).leafHash]], searchRows: [], checkpoint: "x", treeSize: head.treeSize + 1, rootHash: head.rootHash)
        await #expect(throws: NotSequencer.self) { try await first.append(batch) }
        #expect(first.currentFence == nil, "a fenced replica must stop sequencing")
        #expect(try await first.latestTreeHead() == head)
        #expect(try await second.leaseState().epoch == new.epoch)
        // It cannot renew either.
        #expect(try await first.renewLease(old, duration: lease) == false)
    }

    @Test func aNewerSchemaIsRefused() async throws {
        let log = try await PostgresTestLog.make()
        _ = try await log.connect()
        _ = try await offCooperativePool { try log.server.psql(log.databaseName, "UPDATE sigil_schema SET version = \(PostgresDatabase.schemaVersion + 1)") }
        let error = await #expect(throws: PostgresDatabase.Failure.self) { _ = try await log.connect() }
        #expect(error?.description.contains("newer than this sigil-server") == true)
    }

    @Test func anUnreachableServerIsRefusedWithTheReasonAndNoPassword() async throws {
        let port = try FreePort.find()
        let url = try PostgresURL(parsing: "postgres://sigil:s3cret-pw@127.0.0.1:\(port)/sigil?sslmode=disable")
        let error = await #expect(throws: (any Error).self) {
            _ = try await PostgresDatabase.connect(url: url, timeout: .seconds(5))
        }
        let text = PostgresDatabase.describe(try #require(error))
        #expect(!text.contains("s3cret-pw"), "\(text)")
        #expect(text.contains("127.0.0.1:\(port)"), "\(text)")
    }

    @Test func urlsParseAndNeverPrintThePassword() throws {
        let url = try PostgresURL(parsing: "postgres://sigil:p%40ss@db.example:6543/logs?sslmode=require")
        #expect(url.username == "sigil")
        #expect(url.password == "p@ss")
        #expect(url.host == "db.example" && url.port == 6543 && url.database == "logs" && url.tls == .require)
        #expect(url.redacted == "postgres://sigil@db.example:6543/logs")
        // Only the user information is cut: an `@` in the query is kept, a password never.
        #expect(PostgresURL.redact("postgres://sigil:pw@db/logs?sslrootcert=/etc/pg@prod/ca.pem") == "postgres://sigil@db/logs?sslrootcert=/etc/pg@prod/ca.pem")
        #expect(!PostgresURL.redact("postgres://sigil:p/w@db/logs").contains("p/w"))
        #expect(!"\(url)".contains("p@ss"))
        let socket = try PostgresURL(parsing: "postgres://sigil@%2Fvar%2Frun%2Fpostgresql/logs")
        #expect(socket.isUnixSocket && socket.host == "/var/run/postgresql")
        for bad in ["http://x@h/db", "postgres://h/db", "postgres://u@h/", "postgres://u:secret@h/db?sslmode=maybe"] {
            #expect(throws: PostgresURL.Problem.self) { try PostgresURL(parsing: bad) }
            do { _ = try PostgresURL(parsing: bad) } catch { #expect(!error.description.contains("secret")) }
        }
    }
}
