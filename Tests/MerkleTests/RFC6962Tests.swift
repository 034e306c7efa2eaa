import Crypto
import Foundation
import Merkle
import Testing

/// rfc6962-hashes.json: hasher vectors and the classic 8-leaf CT test tree.
@Suite("RFC 6962 hashing")
struct RFC6962Tests {
    @Test func hasherVectors() throws {
        let vectors = try Vectors.hashes().hasherVectors
        #expect(vectors.count == 4)
        for vector in vectors {
            switch vector.op {
            case "empty_root":
                #expect(RFC6962.emptyTreeHash == (try hash(vector.want)))
            case "leaf_hash":
                let input = try #require(vector.inputHex.flatMap { bytes(hex: $0) })
                #expect(RFC6962.leafHash(input) == (try hash(vector.want)))
                #expect(input.withUnsafeBytes { RFC6962.leafHash($0) } == (try hash(vector.want)))
            case "node_hash":
                // The upstream vector hashes 4-byte children ("N123", "N456"). `nodeHash` takes `Hash` values, which
                // are always 32 bytes, so this input cannot be expressed; assert exactly that.
                let left = try #require(vector.leftHex.flatMap { bytes(hex: $0) })
                let right = try #require(vector.rightHex.flatMap { bytes(hex: $0) })
                #expect(Hash(left) == nil && Hash(right) == nil)
            default:
                Issue.record("unknown hasher op \(vector.op)")
            }
        }
    }

    /// Leaf and node hashes are SHA-256 over the prefixed input (checked against swift-crypto's plain SHA-256).
    @Test func prefixedSHA256() {
        #expect(RFC6962.emptyTreeHash.bytes == Array(SHA256.hash(data: [])))
        for length in [0, 1, 31, 55, 56, 63, 64, 65, 200] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            #expect(RFC6962.leafHash(data).bytes == Array(SHA256.hash(data: [0x00] + data)), "length \(length)")
        }
        let left = RFC6962.leafHash(Array("left".utf8))
        let right = RFC6962.leafHash(Array("right".utf8))
        #expect(RFC6962.nodeHash(left, right).bytes == Array(SHA256.hash(data: [0x01] + left.bytes + right.bytes)))
    }

    @Test func leavesAndNodesAreSeparated() {
        let left = RFC6962.leafHash(Array("left".utf8))
        let right = RFC6962.leafHash(Array("right".utf8))
        #expect(RFC6962.nodeHash(left, right) != RFC6962.nodeHash(right, left))
        #expect(RFC6962.leafHash(left.bytes + right.bytes) != RFC6962.nodeHash(left, right))   // 0x00 vs 0x01 prefix
        #expect(RFC6962.leafHash([UInt8]()) != RFC6962.emptyTreeHash)
    }

    @Test func eightLeafTree() throws {
        let file = try Vectors.hashes()
        let leafHashes = try file.leafInputsHex.map { RFC6962.leafHash(try #require(bytes(hex: $0))) }
        #expect(leafHashes == (try file.leafHashes.map { try hash($0) }))

        // Every complete-subtree hash, level by level, from pairs of the level below.
        var level = leafHashes
        for (height, expected) in file.nodeHashesByLevel.enumerated() {
            #expect(level == (try expected.map { try hash($0) }), "level \(height)")
            level = stride(from: 0, to: level.count - 1, by: 2).map { RFC6962.nodeHash(level[$0], level[$0 + 1]) }
        }

        let reference = ReferenceTree(leafHashes: leafHashes)
        let store = MemoryHashStore(leafHashes: leafHashes)
        for (size, expected) in file.rootsBySize.enumerated() {
            let root = try hash(expected)
            #expect(reference.root(size: size) == root, "reference root of size \(size)")
            #expect(try treeHash(treeSize: Int64(size), reader: store) == root, "treeHash of size \(size)")
        }
    }
}
