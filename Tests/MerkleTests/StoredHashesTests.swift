import Merkle
import Testing

@Suite("StoredHashes numbering")
struct StoredHashesTests {
    @Test func smallIndexes() {
        // Leaf 0 → 0; leaf 1 → 1, node(1,0) → 2; leaf 2 → 3; leaf 3 → 4, node(1,1) → 5, node(2,0) → 6.
        let expected: [(level: Int, index: Int64, stored: Int64)] = [
            (0, 0, 0), (0, 1, 1), (1, 0, 2), (0, 2, 3), (0, 3, 4), (1, 1, 5), (2, 0, 6), (0, 4, 7),
        ]
        for entry in expected {
            #expect(StoredHashes.index(level: entry.level, index: entry.index) == entry.stored)
            #expect(StoredHashes.split(entry.stored) == (entry.level, entry.index))
        }
        #expect((0...8).map { StoredHashes.count(treeSize: $0) } == [0, 1, 3, 4, 7, 8, 10, 11, 15])
    }

    @Test func splitInvertsIndex() {
        for stored in 0..<StoredHashes.count(treeSize: 2048) {
            let (level, index) = StoredHashes.split(stored)
            #expect(StoredHashes.index(level: level, index: index) == stored)
        }
        // Near the top of the numbering.
        let top = StoredHashes.count(treeSize: StoredHashes.maxTreeSize) - 1
        #expect(StoredHashes.split(top) == (62, 0))
        #expect(StoredHashes.index(level: 62, index: 0) == top)
        for level in [0, 1, 17, 40] {
            let index = (StoredHashes.maxTreeSize >> level) - 3
            #expect(StoredHashes.split(StoredHashes.index(level: level, index: index)) == (level, index))
        }
    }

    /// Appending leaf n stores its leaf hash and the subtrees it completes at contiguous indexes from
    /// index(level: 0, index: n), and each stored index holds MTH of the node it names.
    @Test func storedHashesAreTheNodes() {
        let reference = ReferenceTree(generatedLeafCount: 100)
        let store = MemoryHashStore(leafHashes: reference.leafHashes)
        #expect(Int64(store.stored.count) == StoredHashes.count(treeSize: 100))
        for (stored, value) in store.stored.enumerated() {
            let (level, index) = StoredHashes.split(Int64(stored))
            let first = Int(index) << level
            #expect(value == reference.mth(first..<(first + 1 << level)), "stored index \(stored)")
        }
    }

    @Test func hashesToStoreMatchesCompactRange() throws {
        let store = MemoryHashStore()
        for leaf in 0..<300 {
            let leafHash = RFC6962.leafHash(generatedEntry(leaf))
            store.restrict(toTreeSize: Int64(leaf))
            let toStore = try StoredHashes.hashesToStore(forLeafAt: Int64(leaf), leafHash: leafHash, reader: store)
            #expect(store.readCalls == (leaf % 2 == 1 ? 1 : 0), "leaf \(leaf): one read call, none for even leaves")
            #expect(store.hashesRead == (~leaf).trailingZeroBitCount)
            let before = store.stored.count
            store.append(leafHash)
            #expect(Array(store.stored[before...]) == toStore, "leaf \(leaf)")
            #expect(Int64(before) == StoredHashes.index(level: 0, index: Int64(leaf)))
        }
    }

    @Test func hashesToStoreRejectsBadIndex() {
        let store = MemoryHashStore()
        for index in [-1, StoredHashes.maxTreeSize] {
            #expect(throws: ProofError.indexOutOfRange(index: index, treeSize: StoredHashes.maxTreeSize)) {
                try StoredHashes.hashesToStore(forLeafAt: index, leafHash: RFC6962.emptyTreeHash, reader: store)
            }
        }
    }

    @Test func readerBreakingItsContractIsAnError() {
        struct ShortReader: HashReader {
            func readHashes(at indexes: [Int64]) throws -> [Hash] { [] }
        }
        #expect(throws: ProofError.hashReaderCountMismatch(requested: 1, returned: 0)) {
            try StoredHashes.hashesToStore(forLeafAt: 1, leafHash: RFC6962.emptyTreeHash, reader: ShortReader())
        }
        #expect(throws: ProofError.hashReaderCountMismatch(requested: 2, returned: 0)) {
            try treeHash(treeSize: 3, reader: ShortReader())
        }
    }
}
