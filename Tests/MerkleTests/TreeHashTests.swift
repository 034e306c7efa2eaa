import Merkle
import Testing

@Suite("treeHash")
struct TreeHashTests {
    @Test func matchesReference() throws {
        let reference = ReferenceTree(generatedLeafCount: 300)
        let store = MemoryHashStore(leafHashes: reference.leafHashes)
        for size in 0...300 {
            store.restrict(toTreeSize: Int64(size))
            #expect(try treeHash(treeSize: Int64(size), reader: store) == reference.root(size: size), "size \(size)")
            #expect(store.readCalls == (size == 0 ? 0 : 1))
            #expect(store.hashesRead == size.nonzeroBitCount)
        }
    }

    @Test func generatedRoots() throws {
        let file = try Vectors.generatedInclusion()
        let store = MemoryHashStore(generatedLeafCount: 64)
        #expect(file.rootsBySize.count == 65)
        for (size, root) in file.rootsBySize.enumerated() {
            #expect(try treeHash(treeSize: Int64(size), reader: store) == (try hash(root)))
        }
    }

    @Test func readsOneHashPerBitAtAnySize() throws {
        let reader = SyntheticHashReader()
        let size: Int64 = (1 << 40) + 0b1011_0110_1101
        _ = try treeHash(treeSize: size, reader: reader)
        #expect(reader.calls.count == 1)
        #expect(reader.calls.first?.count == size.nonzeroBitCount)
    }

    @Test func rejectsInvalidTreeSize() {
        for size in [-1, StoredHashes.maxTreeSize + 1] {
            #expect(throws: ProofError.invalidTreeSize(size)) { try treeHash(treeSize: size, reader: MemoryHashStore()) }
        }
    }
}
