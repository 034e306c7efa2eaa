import Merkle
import Testing

@Suite("Inclusion proofs")
struct InclusionProofTests {
    /// transparency-dev/merkle's inclusion probes: positives verify, `want_error` cases fail.
    @Test(arguments: try Vectors.inclusionProbes())
    func upstreamProbe(_ probe: Vectors.InclusionProbe) throws {
        let leafHash = Hash(hex: probe.leafHash)
        let root = Hash(hex: probe.root)
        let proof = probe.proof.map { Hash(hex: $0) }
        if probe.hasNon32ByteHashes {
            // Such inputs cannot even be built: they are rejected at the `Hash` boundary.
            #expect(probe.wantError)
            let texts = [probe.leafHash, probe.root] + probe.proof
            #expect(texts.allSatisfy { bytes(hex: $0) != nil }, "the vector's hex itself is well-formed")
            #expect(leafHash == nil || root == nil || proof.contains(nil))
            return
        }
        let inclusion = InclusionProof(leafIndex: probe.leafIndex, treeSize: probe.treeSize,
                                       hashes: try proof.map { try #require($0) })
        if probe.wantError {
            #expect(throws: ProofError.self) { try inclusion.verify(leafHash: try #require(leafHash), rootHash: try #require(root)) }
        } else {
            try inclusion.verify(leafHash: try #require(leafHash), rootHash: try #require(root))
        }
    }

    /// The upstream positive probes on the classic 8-leaf tree are exactly what `makeInclusionProof` produces.
    @Test func upstreamPositivesAreRegenerated() throws {
        let file = try Vectors.hashes()
        let leafHashes = try file.leafHashes.map { try hash($0) }
        let store = MemoryHashStore(leafHashes: leafHashes)
        var regenerated = 0
        for probe in try Vectors.inclusionProbes() where !probe.wantError && probe.treeSize <= 8 {
            guard Int(probe.leafIndex) < leafHashes.count, try hash(probe.leafHash) == leafHashes[Int(probe.leafIndex)],
                  try hash(probe.root) == (try hash(file.rootsBySize[Int(probe.treeSize)]))
            else { continue }
            let made = try makeInclusionProof(leafIndex: probe.leafIndex, treeSize: probe.treeSize, reader: store)
            #expect(made.hashes == (try probe.proof.map { try hash($0) }), "\(probe.file)")
            regenerated += 1
        }
        #expect(regenerated >= 5)
    }

    /// All 2,080 generated proofs (0 <= index < size <= 64) equal ours and verify.
    @Test func generatedProofs() throws {
        let file = try Vectors.generatedInclusion()
        #expect(file.cases.count == 2080)
        let store = MemoryHashStore(generatedLeafCount: 64)
        let leafHashes = try file.leafHashes.map { try hash($0) }
        #expect(leafHashes == (0..<64).map { RFC6962.leafHash(generatedEntry($0)) })
        let roots = try file.rootsBySize.map { try hash($0) }
        for vector in file.cases {
            store.restrict(toTreeSize: vector.treeSize)
            let made = try makeInclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize, reader: store)
            let expected = InclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                                          hashes: try vector.proof.map { try hash($0) })
            #expect(made == expected, "leaf \(vector.leafIndex) of \(vector.treeSize)")
            try expected.verify(leafHash: leafHashes[Int(vector.leafIndex)], rootHash: roots[Int(vector.treeSize)])
        }
    }

    /// Every leaf of every tree of 1...64 leaves: make == naive RFC 6962 PATH, one read, verification passes,
    /// and any corruption fails.
    @Test(arguments: 1...64)
    func exhaustive(treeSize: Int) throws {
        let reference = ReferenceTree(generatedLeafCount: treeSize)
        let store = MemoryHashStore(leafHashes: reference.leafHashes)
        let root = reference.root(size: treeSize)
        for leaf in 0..<treeSize {
            store.restrict(toTreeSize: Int64(treeSize))
            let proof = try makeInclusionProof(leafIndex: Int64(leaf), treeSize: Int64(treeSize), reader: store)
            #expect(proof.hashes == reference.inclusionProof(leafIndex: leaf, treeSize: treeSize))
            #expect(try proof.hashes.count == InclusionProof.proofSize(leafIndex: Int64(leaf), treeSize: Int64(treeSize)))
            #expect(store.readCalls == (treeSize == 1 ? 0 : 1))
            #expect(store.hashesRead <= 2 * Int64.bitWidth - 2 * Int64(treeSize).leadingZeroBitCount)
            let leafHash = reference.leafHashes[leaf]
            try proof.verify(leafHash: leafHash, rootHash: root)
            #expect(try proof.rootHash(leafHash: leafHash) == root)

            // A flipped bit anywhere (proof element, leaf, root) is a root mismatch.
            for (position, element) in proof.hashes.enumerated() {
                for bit in bitsToFlip(treeSize: treeSize, salt: leaf + position) {
                    var hashes = proof.hashes
                    hashes[position] = element.flippingBit(bit)
                    let corrupted = InclusionProof(leafIndex: proof.leafIndex, treeSize: proof.treeSize, hashes: hashes)
                    expectRootMismatch(expected: root) { () throws(ProofError) in try corrupted.verify(leafHash: leafHash, rootHash: root) }
                }
            }
            for bit in bitsToFlip(treeSize: treeSize, salt: leaf) {
                expectRootMismatch(expected: root) { () throws(ProofError) in try proof.verify(leafHash: leafHash.flippingBit(bit), rootHash: root) }
                expectRootMismatch(expected: root.flippingBit(bit)) { () throws(ProofError) in
                    try proof.verify(leafHash: leafHash, rootHash: root.flippingBit(bit))
                }
            }

            // One hash too many or too few, anywhere.
            let expectedSize = proof.hashes.count
            var variants = [proof.hashes + [foreignHash], [foreignHash] + proof.hashes, proof.hashes + [root]]
            if !proof.hashes.isEmpty { variants += [Array(proof.hashes.dropLast()), Array(proof.hashes.dropFirst())] }
            for hashes in variants {
                let resized = InclusionProof(leafIndex: proof.leafIndex, treeSize: proof.treeSize, hashes: hashes)
                #expect(throws: ProofError.wrongProofSize(expected: expectedSize, actual: hashes.count)) {
                    try resized.verify(leafHash: leafHash, rootHash: root)
                }
            }

            // The same path does not prove a neighbouring index.
            for other in [leaf - 1, leaf + 1] where (0..<treeSize).contains(other) {
                let moved = InclusionProof(leafIndex: Int64(other), treeSize: proof.treeSize, hashes: proof.hashes)
                #expect(throws: ProofError.self) { try moved.verify(leafHash: leafHash, rootHash: root) }
            }
        }
    }

    @Test func invalidArguments() throws {
        let store = MemoryHashStore(generatedLeafCount: 8)
        for (index, size) in [(0, 0), (-1, 5), (5, 5), (6, 5), (0, -1), (Int64.min, 1)] as [(Int64, Int64)] {
            #expect(throws: ProofError.indexOutOfRange(index: index, treeSize: size)) {
                try makeInclusionProof(leafIndex: index, treeSize: size, reader: store)
            }
            #expect(throws: ProofError.indexOutOfRange(index: index, treeSize: size)) {
                try InclusionProof(leafIndex: index, treeSize: size, hashes: []).verify(leafHash: foreignHash, rootHash: foreignHash)
            }
        }
        #expect(throws: ProofError.invalidTreeSize(StoredHashes.maxTreeSize + 1)) {
            try makeInclusionProof(leafIndex: 0, treeSize: StoredHashes.maxTreeSize + 1, reader: store)
        }
        // Beyond what is stored: the reader's error comes through.
        #expect(throws: MemoryHashStore.MissingHash.self) { try makeInclusionProof(leafIndex: 0, treeSize: 9, reader: store) }
    }

    @Test func mismatchReportsBothRoots() throws {
        let store = MemoryHashStore(generatedLeafCount: 5)
        let proof = try makeInclusionProof(leafIndex: 2, treeSize: 5, reader: store)
        let leafHash = RFC6962.leafHash(generatedEntry(2))
        let calculated = try proof.rootHash(leafHash: leafHash)
        #expect(calculated == (try treeHash(treeSize: 5, reader: store)))
        #expect(throws: ProofError.rootMismatch(expected: foreignHash, calculated: calculated)) {
            try proof.verify(leafHash: leafHash, rootHash: foreignHash)
        }
    }

    /// At 2^40 leaves: one read call and O(log n) indexes, for leaves at both ends and in between.
    @Test func readsLogarithmicallyAtAnySize() throws {
        let treeSize: Int64 = (1 << 40) + 0b1101_0110_0111
        for leaf in [0, 1, treeSize / 3, treeSize - 2, treeSize - 1] {
            let reader = SyntheticHashReader()
            let proof = try makeInclusionProof(leafIndex: leaf, treeSize: treeSize, reader: reader)
            #expect(reader.calls.count == 1)
            #expect(reader.calls[0].count <= 2 * 41)
            #expect(try proof.hashes.count == InclusionProof.proofSize(leafIndex: leaf, treeSize: treeSize))
        }
    }
}

/// Expects `body` to throw `rootMismatch` against `expected`.
func expectRootMismatch(expected: Hash, sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws(ProofError) -> Void) {
    do {
        try body()
        Issue.record("verification passed", sourceLocation: sourceLocation)
    } catch {
        guard case .rootMismatch(let reported, let calculated) = error, reported == expected, calculated != expected else {
            Issue.record("expected rootMismatch, got \(error)", sourceLocation: sourceLocation)
            return
        }
    }
}
