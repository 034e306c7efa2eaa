import Merkle
import Testing
@testable import TransparencyLog

/// Stored hashes live in per-leaf rows; reading them back must give what the tree computed.
@Suite struct SQLiteLogStoreTests {
    @Test func storedHashesReadBackForEveryIndex() async throws {
        let log = try TestLog()
        let service = try log.service()
        for n in 0..<100 { _ = try await service.sequencer.submit(prepared(n)) }
        let store = try log.openStore()
        var memory: [Hash] = []
        var tree = CompactRange()
        for entry in try store.entries(in: 0..<100) { memory += tree.append(leafHash: entry.leafHash) }
        let all = Array(Int64(0)..<StoredHashes.count(treeSize: 100))
        #expect(try store.readHashes(at: all) == memory)
        #expect(try store.readHashes(at: all.reversed()) == memory.reversed())
        for size in Int64(1)...100 {
            #expect(try treeHash(treeSize: size, reader: store) == (try treeHash(treeSize: size, reader: service.reader)))
        }
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
