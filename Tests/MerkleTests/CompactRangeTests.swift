import Merkle
import Testing

@Suite("CompactRange")
struct CompactRangeTests {
    @Test func emptyRange() {
        let range = CompactRange()
        #expect(range.treeSize == 0)
        #expect(range.rootHash == RFC6962.emptyTreeHash)
    }

    @Test func rootsMatchReference() {
        let reference = ReferenceTree(generatedLeafCount: 300)
        var range = CompactRange()
        #expect(range.rootHash == reference.root(size: 0))
        for (leaf, leafHash) in reference.leafHashes.enumerated() {
            _ = range.append(leafHash: leafHash)
            #expect(range.treeSize == Int64(leaf + 1))
            #expect(range.rootHash == reference.root(size: leaf + 1), "size \(leaf + 1)")
        }
    }

    /// The log's restart path: rebuilding from storage gives the same range as the one built by appending.
    @Test func rebuildAfterRestart() throws {
        let store = MemoryHashStore(generatedLeafCount: 300)
        var appended = CompactRange()
        for size in 0...300 {
            store.restrict(toTreeSize: Int64(size))
            let rebuilt = try CompactRange(treeSize: Int64(size), reader: store)
            #expect(rebuilt == appended, "size \(size)")
            #expect(store.readCalls == (size == 0 ? 0 : 1))
            #expect(store.hashesRead == size.nonzeroBitCount)
            if size < 300 { _ = appended.append(leafHash: RFC6962.leafHash(generatedEntry(size))) }
        }
        // A rebuilt range keeps appending like the original.
        store.readLimit = .max
        var rebuilt = try CompactRange(treeSize: 150, reader: store)
        var original = try CompactRange(treeSize: 150, reader: store)
        for leaf in 150..<300 {
            let leafHash = RFC6962.leafHash(generatedEntry(leaf))
            #expect(rebuilt.append(leafHash: leafHash) == original.append(leafHash: leafHash))
        }
        #expect(rebuilt == appended)
    }

    @Test func batchAppendCollectsContiguousStoredHashes() {
        var single = CompactRange()
        var batch = CompactRange()
        var one: [Hash] = []
        var all: [Hash] = []
        for leaf in 0..<77 {
            let leafHash = RFC6962.leafHash(generatedEntry(leaf))
            one += single.append(leafHash: leafHash)
            batch.append(leafHash: leafHash, storingInto: &all)
        }
        #expect(one == all)
        #expect(Int64(all.count) == StoredHashes.count(treeSize: 77))
        #expect(single == batch)
    }

    @Test func rejectsInvalidTreeSize() {
        let store = MemoryHashStore()
        for size in [-1, StoredHashes.maxTreeSize + 1] {
            #expect(throws: ProofError.invalidTreeSize(size)) { try CompactRange(treeSize: size, reader: store) }
        }
        #expect(throws: MemoryHashStore.MissingHash.self) { try CompactRange(treeSize: 1, reader: store) }
    }
}
