import Merkle

/// An in-memory log of stored hashes, filled the way the real log fills its storage: by appending leaves to a
/// `CompactRange` and keeping every hash it returns at the next stored index. Counts reads so tests can
/// check "one `readHashes` call, O(log n) hashes".
final class MemoryHashStore: HashReader {
    struct MissingHash: Error, Equatable { var index: Int64 }

    private(set) var stored: [Hash] = []
    private(set) var range = CompactRange()
    private(set) var readCalls = 0
    private(set) var hashesRead = 0
    /// Reads at or beyond this stored index fail, to check that an operation on a smaller tree reads only
    /// what existed at that size.
    var readLimit: Int64 = .max

    init(leafHashes: some Sequence<Hash> = []) {
        for leafHash in leafHashes { append(leafHash) }
    }

    /// The store of the generated vector tree (`"leaf-<i>"` entries).
    convenience init(generatedLeafCount count: Int) {
        self.init(leafHashes: (0..<count).map { RFC6962.leafHash(generatedEntry($0)) })
    }

    var treeSize: Int64 { range.treeSize }

    func append(_ leafHash: Hash) {
        stored += range.append(leafHash: leafHash)
    }

    /// Limits reads to the hashes a tree of `treeSize` leaves has stored and resets the counters.
    func restrict(toTreeSize treeSize: Int64) {
        readLimit = StoredHashes.count(treeSize: treeSize)
        readCalls = 0
        hashesRead = 0
    }

    func readHashes(at indexes: [Int64]) throws -> [Hash] {
        readCalls += 1
        hashesRead += indexes.count
        return try indexes.map { index in
            guard index >= 0, index < readLimit, index < stored.count else { throw MissingHash(index: index) }
            return stored[Int(index)]
        }
    }
}

/// A reader for arbitrarily large trees that answers every index with a hash derived from the index.
/// Proofs it yields are not meaningful; it exists to observe the read pattern at sizes no test could store.
final class SyntheticHashReader: HashReader {
    private(set) var calls: [[Int64]] = []

    func readHashes(at indexes: [Int64]) throws -> [Hash] {
        calls.append(indexes)
        return indexes.map { index in withUnsafeBytes(of: index.bigEndian) { RFC6962.leafHash($0) } }
    }
}
