/// Why a proof could not be made or did not verify.
///
/// Every case is the caller's input (bad arguments, a wrong proof, a misbehaving ``HashReader``), never a
/// bug in this module: those trap (STYLE G6). Cases carry the values involved so tests and callers can
/// match them exactly.
public enum ProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is negative or not below the tree size (this includes every index in an empty tree).
    case indexOutOfRange(index: Int64, treeSize: Int64)
    /// The proof has a different number of hashes than the sizes imply.
    case wrongProofSize(expected: Int, actual: Int)
    /// The root the proof leads to is not the expected one (for consistency proofs, the new tree's root).
    case rootMismatch(expected: Hash, calculated: Hash)
    /// Consistency sizes are out of order or meaningless: `oldSize` must satisfy `0 < oldSize <= newSize`.
    case invalidSizes(oldSize: Int64, newSize: Int64)
    /// A consistency proof does not reproduce the old tree's root.
    case oldRootMismatch(expected: Hash, calculated: Hash)
    /// A tree size is negative or beyond ``StoredHashes/maxTreeSize``.
    case invalidTreeSize(Int64)
    /// A ``HashReader`` broke its contract and returned a different number of hashes than requested.
    case hashReaderCountMismatch(requested: Int, returned: Int)

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let treeSize):
            "leaf index \(index) is out of range for tree size \(treeSize)"
        case .wrongProofSize(let expected, let actual):
            "proof has \(actual) hashes, expected \(expected)"
        case .rootMismatch(let expected, let calculated):
            "calculated root \(calculated) does not match expected root \(expected)"
        case .invalidSizes(let oldSize, let newSize):
            "invalid consistency sizes \(oldSize) -> \(newSize): need 0 < old size <= new size"
        case .oldRootMismatch(let expected, let calculated):
            "calculated old root \(calculated) does not match expected old root \(expected)"
        case .invalidTreeSize(let treeSize):
            "tree size \(treeSize) is negative or larger than \(StoredHashes.maxTreeSize)"
        case .hashReaderCountMismatch(let requested, let returned):
            "hash reader returned \(returned) hashes for \(requested) indexes"
        }
    }
}
