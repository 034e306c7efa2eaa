import Crypto
import Foundation

/// Merkle tree hashing of RFC 6962 §2.1 (also RFC 9162 §2.1.1) with SHA-256.
///
/// Leaves and interior nodes get different one-byte prefixes, so a leaf can never be passed off as a node.
/// Each function hashes in one pass over stack memory; the only allocation is swift-crypto's digest context.
public enum RFC6962 {
    /// Hash of the empty tree: `SHA-256("")` (RFC 6962 §2.1, `MTH({})`).
    public static let emptyTreeHash = Hash(SHA256().finalize())

    /// Hash of a leaf: `SHA-256(0x00 || data)` (RFC 6962 §2.1, `MTH({d(0)})`).
    public static func leafHash(_ data: some DataProtocol) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: data)
        return Hash(hasher.finalize())
    }

    /// Hash of a leaf whose bytes are already in memory: `SHA-256(0x00 || data)` (RFC 6962 §2.1).
    public static func leafHash(_ data: UnsafeRawBufferPointer) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: data)
        return Hash(hasher.finalize())
    }

    /// Hash of an interior node: `SHA-256(0x01 || left || right)` (RFC 6962 §2.1).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        // The 65-byte input is assembled on the stack and hashed in a single update.
        withUnsafeTemporaryAllocation(byteCount: 1 + 2 * Hash.byteCount, alignment: 8) { input in
            input[0] = 0x01
            left.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: input[1...]).copyMemory(from: $0) }
            right.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: input[(1 + Hash.byteCount)...]).copyMemory(from: $0)
            }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(input))
            return Hash(hasher.finalize())
        }
    }
}
