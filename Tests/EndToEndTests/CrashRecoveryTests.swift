import Foundation
import Merkle
import SigilClient
import SigstoreKit
import Synchronization
import TestSupport
import Testing

/// Kill -9 the real server binary in the middle of a concurrent load: no acknowledged entry may be
/// lost, and the restarted log must be consistent with every checkpoint it handed out.
@Suite struct CrashRecoveryTests {
    struct Acknowledged: Sendable {
        let entryID: String
        let index: Int64
        let treeSize: Int64
        let rootHash: String
    }

    @Test(.timeLimit(.minutes(3)))
    func sigkillDuringConcurrentLoadLosesNoAcknowledgedEntry() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path("data")
        try ServerProcess.initialise(data: data)
        let logKey = try VerificationKey(pem: String(contentsOfFile: directory.path("data/log-public-key.pem"), encoding: .utf8))
        let server = try await ServerProcess(data: data)
        let acknowledged = Acknowledgements()
        let signer = TestSigner()
        let client = server.client

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    while true {
                        let entry = signer.randomHashedRekord().entry
                        guard let (id, value, _) = try? await client.add(proposedEntry: entry) else { return }
                        let proof = value.verification.inclusionProof
                        acknowledged.append(Acknowledged(entryID: id, index: value.logIndex, treeSize: proof.treeSize,
                                                         rootHash: proof.rootHash))
                    }
                }
            }
            // Let the load run, then pull the plug without any chance to flush.
            while acknowledged.count < 300 { try await Task.sleep(for: .milliseconds(20)) }
            server.kill()
            try await group.waitForAll()
        }

        let acks = acknowledged.all
        #expect(acks.count >= 300)
        let restarted = try await ServerProcess(data: data)
        defer { restarted.stop() }
        let info = try await restarted.client.logInfo()
        let current = try LogEntryVerification.verifyCheckpoint(info.signedTreeHead, logKey: logKey)
        #expect(current.treeSize >= Int64(acks.count))

        // Every acknowledged entry is there, at the index it was given, with a valid proof.
        for ack in acks {
            let (id, entry) = try await restarted.client.entry(uuid: ack.entryID)
            #expect(entry.logIndex == ack.index)
            _ = try LogEntryVerification.verify(entry, entryID: id, logKey: logKey)
        }
        // Every checkpoint handed out before the kill is a prefix of the restarted tree.
        var seen: [Int64: String] = [:]
        for ack in acks { seen[ack.treeSize] = ack.rootHash }
        for (size, root) in seen where size < current.treeSize {
            let (_, hashes) = try await restarted.client.consistencyProof(firstSize: size, lastSize: current.treeSize)
            try ConsistencyProof(oldSize: size, newSize: current.treeSize, hashes: hashes)
                .verify(oldRoot: try #require(Hash(hex: root)), newRoot: current.rootHash)
        }
        if let root = seen[current.treeSize] { #expect(root == current.rootHash.hex) }

        // And the restarted log keeps appending.
        let (_, next, created) = try await restarted.client.add(proposedEntry: signer.randomHashedRekord().entry)
        #expect(created)
        #expect(next.logIndex == current.treeSize)
    }
}

/// The acknowledgements collected by the load tasks.
final class Acknowledgements: Sendable {
    private let items = Mutex<[CrashRecoveryTests.Acknowledged]>([])
    func append(_ item: CrashRecoveryTests.Acknowledged) { items.withLock { $0.append(item) } }
    var count: Int { items.withLock { $0.count } }
    var all: [CrashRecoveryTests.Acknowledged] { items.withLock { $0 } }
}
