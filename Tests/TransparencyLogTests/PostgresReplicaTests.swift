import Foundation
import Merkle
import Testing
import TestSupport
@testable import TransparencyLog

/// Several replicas, each with its own pool, service and coordinator, serving one log from one
/// database: one sequences, the others forward through the pending table, all read the same tree.
@Suite(.enabled(if: TemporaryPostgres.available, Comment(rawValue: TemporaryPostgres.skipReason)))
struct PostgresReplicaTests {
    struct Replica {
        let store: PostgresLogStore
        let service: LogService
        let coordinator: ReplicaCoordinator
        let task: Task<Void, any Error>

        func stop() async {
            task.cancel()
            _ = await task.result
        }
    }

    static func replica(_ log: PostgresTestLog, name: String, lease: Duration = .seconds(2)) async throws -> Replica {
        let store = try await log.openStore(try await log.connect(sessionTimeout: lease))
        let service = try await log.service(store: store)
        var settings = ReplicaCoordinator.Settings()
        settings.lease = lease
        settings.followInterval = .milliseconds(50)
        let coordinator = ReplicaCoordinator(store: store, sequencer: service.sequencer, logName: "rekor", replicaID: name, settings: settings)
        await coordinator.start()
        let task = Task { try await coordinator.run() }
        return Replica(store: store, service: service, coordinator: coordinator, task: task)
    }

    @Test func everyReplicaAcceptsWritesAndAllShareOneTree() async throws {
        let log = try await PostgresTestLog.make()
        let a = try await Self.replica(log, name: "a")
        let b = try await Self.replica(log, name: "b")
        let c = try await Self.replica(log, name: "c")
        let replicas = [a, b, c]
        #expect(replicas.filter(\.coordinator.isSequencing).count == 1, "exactly one replica sequences")
        let entries = (0..<90).map(prepared)
        let results = try await withThrowingTaskGroup(of: SequencingResult.self) { group in
            for (n, entry) in entries.enumerated() {
                let replica = replicas[n % 3]
                group.addTask { try await replica.service.sequencer.submit(entry) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var indexes: [Int64] = []
        for result in results {
            guard case .appended(let entry, let head) = result else { Issue.record("an entry was not appended: \(result)"); continue }
            indexes.append(entry.index)
            #expect(entry.index < head.treeSize, "acknowledged with a head that does not contain it")
        }
        #expect(indexes.sorted() == Array(0..<90), "an index was assigned twice or skipped")
        // Every replica serves every entry with a proof against its own published head.
        for replica in replicas {
            try await waitUntil { replica.service.treeHead.treeSize == 90 }
            for index in stride(from: Int64(0), to: 90, by: 7) {
                let view = try await replica.service.entry(at: index)
                #expect(view.entry.index == index)
            }
            #expect(replica.service.treeHead == a.service.treeHead, "replicas disagree on the checkpoint of one size")
        }
        for replica in replicas { await replica.stop() }
    }

    @Test func theSameEntryAtTwoReplicasAtOnceIsCreatedOnce() async throws {
        let log = try await PostgresTestLog.make()
        let a = try await Self.replica(log, name: "a")
        let b = try await Self.replica(log, name: "b")
        for round in 0..<10 {
            let entry = prepared(round)
            async let first = a.service.sequencer.submit(entry)
            async let second = b.service.sequencer.submit(entry)
            let outcomes = try await [first, second]
            let created = outcomes.filter { if case .appended = $0 { true } else { false } }.count
            #expect(created == 1, "round \(round): \(created) of 2 submissions created the entry")
            let indexes = Set(outcomes.map { switch $0 { case .appended(let e, _), .duplicate(let e): e.index } })
            #expect(indexes.count == 1)
        }
        #expect(try await a.store.latestTreeHead().treeSize == 10)
        await a.stop()
        await b.stop()
    }

    @Test func anotherReplicaTakesOverWhenTheSequencerStops() async throws {
        let log = try await PostgresTestLog.make()
        let lease = Duration.seconds(2)
        let a = try await Self.replica(log, name: "a", lease: lease)
        let b = try await Self.replica(log, name: "b", lease: lease)
        let (leader, follower) = a.coordinator.isSequencing ? (a, b) : (b, a)
        _ = try await follower.service.sequencer.submit(prepared(0))
        // The leader stops without handing the lease back (its coordinator is cancelled; the lease
        // lapses). How fast the other takes over is measured by the benchmark, not here.
        leader.task.cancel()
        _ = await leader.task.result
        leader.store.setFence(nil)
        guard case .appended(let entry, _) = try await follower.service.sequencer.submit(prepared(1)) else {
            Issue.record("not appended after failover"); return
        }
        #expect(entry.index == 1)
        #expect(follower.coordinator.isSequencing)
        await follower.stop()
    }

    func waitUntil(_ condition: @escaping () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
