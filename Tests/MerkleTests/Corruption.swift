import Merkle

extension Hash {
    /// The same hash with bit `bit` (0...255, byte-major) inverted.
    func flippingBit(_ bit: Int) -> Hash {
        var bytes = self.bytes
        bytes[bit / 8] ^= 1 << (bit % 8)
        return Hash(bytes)!
    }
}

/// Which bits of a hash the exhaustive tests flip. Every bit for trees of up to 16 leaves; above that, one bit
/// in each 4-byte word, at a position that moves with `salt`, which keeps the debug-mode run well under a
/// second while still touching every word of every proof element.
func bitsToFlip(treeSize: Int, salt: Int) -> [Int] {
    if treeSize <= 8 { return Array(0..<256) }
    return (0..<8).map { word in word * 32 + (salt * 7 + word * 5) % 32 }
}

/// An unrelated, valid hash to splice into proofs.
let foreignHash = RFC6962.leafHash(Array("not part of any tree".utf8))
