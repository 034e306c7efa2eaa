import Merkle

extension Hash {
    /// The same hash with bit `bit` (0...255, byte-major) inverted.
    func flippingBit(_ bit: Int) -> Hash {
        var bytes = self.bytes
        bytes[bit / 8] ^= 1 << (bit % 8)
        return Hash(bytes)!
    }
}

/// Which bits of a hash the exhaustive tests flip. Every bit for trees of up to 8 leaves; above that, one bit
/// in each 4-byte word, at a position that moves with `salt` (so across the 2,080 proofs every bit position is
/// hit many times). All 256 bits of every element of every proof up to 64 leaves would take over a minute in a
/// debug build; any changed bit changes SHA-256's output alike, so what matters is that every element, and
/// every word of it, is bound into the root.
func bitsToFlip(treeSize: Int, salt: Int) -> [Int] {
    if treeSize <= 8 { return Array(0..<256) }
    return (0..<8).map { word in word * 32 + (salt * 7 + word * 5) % 32 }
}

/// An unrelated, valid hash to splice into proofs.
let foreignHash = RFC6962.leafHash(Array("not part of any tree".utf8))
