import Foundation
import Merkle
import SigilClient
import SigstoreKit
import Synchronization
import TestSupport
import Testing

/// Two `sigil-server log` processes on one PostgreSQL database. The sequencing replica is paused
/// with SIGSTOP under load, past its lease; the other takes over; the paused one is resumed and
/// must not write again (fencing). Nothing acknowledged is lost and the tree stays consistent.
@Suite(.enabled(if: TemporaryPostgres.available, Comment(rawValue: TemporaryPostgres.skipReason)))
struct ReplicaFencingTests {
    static let lease = 1_500

    static func environment(_ url: String, replica: String) -> [String: String] {
        ["SIGIL_LOG_STORAGE": "postgres", "SIGIL_LOG_POSTGRES_URL": url, "SIGIL_LOG_REPLICA_ID": replica,
         "SIGIL_LOG_SEQUENCER_LEASE_MILLISECONDS": "\(lease)"]
    }

    static func role(_ server: ServerProcess) -> String {
        let readiness = (try? runToCompletion("/usr/bin/curl", ["-s", server.url + "/readyz"]))?.output ?? ""
        if readiness.contains("\"sequencerRole\":\"sequencer") { return "sequencer" }
        if readiness.contains("\"sequencerRole\":\"follower\"") { return "follower" }
        return "unknown: \(readiness)"
    }

    @Test(.timeLimit(.minutes(3)))
    func aPausedSequencerIsFencedAfterAnotherTakesOver() async throws {
        let postgres = try await offCooperativePool { try TemporaryPostgres.shared() }
        let url = try await offCooperativePool { try postgres.createDatabase() }
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        let directory = TemporaryDirectory()
        try ServerProcess.initialise(data: directory.path("a"))
        // Replicas use copies of one data folder: the same keys, each its own folder.
        _ = try runToCompletion("/bin/cp", ["-R", directory.path("a"), directory.path("b")])
        let logKey = try VerificationKey(pem: String(contentsOfFile: directory.path("a/log-public-key.pem"), encoding: .utf8))
        let a = try await ServerProcess(data: directory.path("a"), errorLog: directory.path("a.log"), environment: Self.environment(url, replica: "a"))
        defer { kill(a.process.processIdentifier, SIGCONT); a.stop() }
        #expect(Self.role(a) == "sequencer")
        let b = try await ServerProcess(data: directory.path("b"), environment: Self.environment(url, replica: "b"))
        defer { b.stop() }
        #expect(Self.role(b) == "follower")

        let acknowledged = Acknowledgements()
        let signer = TestSigner()
        let paused = PauseFlag()
        let clientA = a.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Load on the sequencer; its requests stall while it is paused and finish after.
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<400 {
                        if paused.isSet { return }
                        guard let (id, value, created) = try? await clientA.add(proposedEntry: signer.randomHashedRekord().entry), created else { continue }
                        let proof = value.verification.inclusionProof
                        acknowledged.append(.init(entryID: id, index: value.logIndex, treeSize: proof.treeSize, rootHash: proof.rootHash))
                    }
                }
            }
            while acknowledged.count < 150 { try await Task.sleep(for: .milliseconds(10)) }
            kill(a.process.processIdentifier, SIGSTOP)
            paused.set()
            let pausedAt = try await offCooperativePool { try postgres.psql(database, "SELECT epoch, tree_size FROM rekor_sequencer") }
            // Past the lease: the other replica takes over and accepts writes on its own.
            try await Task.sleep(for: .milliseconds(Self.lease + 1_500))
            for _ in 0..<20 {
                let (id, value, created) = try await b.client.add(proposedEntry: signer.randomHashedRekord().entry)
                #expect(created)
                let proof = value.verification.inclusionProof
                acknowledged.append(.init(entryID: id, index: value.logIndex, treeSize: proof.treeSize, rootHash: proof.rootHash))
            }
            #expect(Self.role(b) == "sequencer")
            let takenOver = try await offCooperativePool { try postgres.psql(database, "SELECT epoch, tree_size FROM rekor_sequencer") }
            #expect(takenOver != pausedAt)
            kill(a.process.processIdentifier, SIGCONT)
            try await group.waitForAll()
        }
        // The resumed replica gave the role up and forwards; it wrote nothing under its old epoch.
        for _ in 0..<50 where Self.role(a) != "follower" { try await Task.sleep(for: .milliseconds(100)) }
        #expect(Self.role(a) == "follower")
        for _ in 0..<20 {
            let (id, value, created) = try await a.client.add(proposedEntry: signer.randomHashedRekord().entry)
            #expect(created)
            let proof = value.verification.inclusionProof
            acknowledged.append(.init(entryID: id, index: value.logIndex, treeSize: proof.treeSize, rootHash: proof.rootHash))
        }
        // Epochs only grow with the tree: no checkpoint of an older lease after a newer one's.
        let regressions = try await offCooperativePool { try postgres.psql(database, """
            SELECT count(*) FROM rekor_checkpoints c1 JOIN rekor_checkpoints c2 ON c2.tree_size > c1.tree_size AND c2.epoch < c1.epoch
            """) }
        #expect(regressions == "0", "a checkpoint was written under an older lease after a newer one")
        #expect(try await offCooperativePool { try postgres.psql(database, "SELECT count(DISTINCT epoch) FROM rekor_checkpoints WHERE tree_size > 0") } != "1")
        let log = (try? String(contentsOfFile: directory.path("a.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("gave up the sequencer role"), "the paused replica did not report losing the role")

        // Every acknowledged entry is present, at its index, with a valid proof, read through the other replica.
        let acks = acknowledged.all
        #expect(Set(acks.map(\.index)).count == acks.count, "an index was acknowledged twice")
        let info = try await b.client.logInfo()
        let current = try LogEntryVerification.verifyCheckpoint(info.signedTreeHead, logKey: logKey)
        for ack in acks {
            let (id, entry) = try await b.client.entry(uuid: ack.entryID)
            #expect(entry.logIndex == ack.index)
            _ = try LogEntryVerification.verify(entry, entryID: id, logKey: logKey)
        }
        var seen: [Int64: String] = [:]
        for ack in acks {
            if let other = seen[ack.treeSize] { #expect(other == ack.rootHash, "two roots for tree size \(ack.treeSize)") }
            seen[ack.treeSize] = ack.rootHash
        }
        for (size, root) in seen where size < current.treeSize {
            let (_, hashes) = try await a.client.consistencyProof(firstSize: size, lastSize: current.treeSize)
            try ConsistencyProof(oldSize: size, newSize: current.treeSize, hashes: hashes)
                .verify(oldRoot: try #require(Hash(hex: root)), newRoot: current.rootHash)
        }
    }
}

/// Tells the load tasks the sequencer is paused, so they stop sending new requests.
final class PauseFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
