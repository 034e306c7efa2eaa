import Crypto
import Foundation
import Merkle
import TestSupport
import Testing

/// Loads the JSON test vectors from `fixtures/vectors/` (see fixtures/README.md).
/// Every Merkle and tile vector file is decoded here and nowhere else.
enum Vectors {
    static func load<T: Decodable>(_ fileName: String, as type: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: Fixtures.url("vectors/" + fileName))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: data)
    }

    static func hashes() throws -> HashesFile { try load("rfc6962-hashes.json") }
    static func inclusionProbes() throws -> [InclusionProbe] { try load("rfc6962-inclusion.json", as: ProbeFile<InclusionProbe>.self).cases }
    static func consistencyProbes() throws -> [ConsistencyProbe] { try load("rfc6962-consistency.json", as: ProbeFile<ConsistencyProbe>.self).cases }
    static func generatedInclusion() throws -> GeneratedFile<GeneratedInclusionCase> { try load("rfc6962-generated-inclusion.json") }
    static func generatedConsistency() throws -> GeneratedFile<GeneratedConsistencyCase> { try load("rfc6962-generated-consistency.json") }
    static func tiles() throws -> TilesFile { try load("tlog-tiles.json") }

    // MARK: - rfc6962-hashes.json

    struct HashesFile: Decodable {
        struct HasherVector: Decodable {
            var op: String
            var inputHex: String?
            var leftHex: String?
            var rightHex: String?
            var want: String
        }
        var hasherVectors: [HasherVector]
        var leafInputsHex: [String]
        var leafHashes: [String]
        var nodeHashesByLevel: [[String]]
        var rootsBySize: [String]
    }

    // MARK: - rfc6962-inclusion.json, rfc6962-consistency.json (upstream probes)

    struct ProbeFile<Case: Decodable>: Decodable {
        var cases: [Case]
    }

    /// Upstream indexes and sizes are Go `uint64`s; the "sub @1" probes hold 2^64 − 1, Go's `0 − 1`. They are
    /// read as `UInt64` and kept as the same bit pattern in `Int64` (so 2^64 − 1 becomes −1).
    struct InclusionProbe: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var desc: String
        @GoUInt64 var leafIndex: Int64
        @GoUInt64 var treeSize: Int64
        var root: String
        var leafHash: String
        var proof: [String]
        var wantError: Bool
        var non32ByteHashes: Bool?
        var testDescription: String { "\(file) (\(desc))" }

        /// Whether some hash in the probe is not 32 bytes. The file flags most such probes with
        /// `non_32_byte_hashes`, but not the "preceding/trailing garbage" ones (an empty proof element).
        var hasNon32ByteHashes: Bool {
            non32ByteHashes == true || ([leafHash, root] + proof).contains { $0.utf8.count != 2 * Hash.byteCount }
        }
    }

    struct ConsistencyProbe: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var desc: String
        @GoUInt64 var size1: Int64
        @GoUInt64 var size2: Int64
        var root1: String
        var root2: String
        var proof: [String]
        var wantError: Bool
        var non32ByteHashes: Bool?
        var testDescription: String { "\(file) (\(desc))" }

        /// Whether some hash in the probe is not 32 bytes (flagged or not; see ``InclusionProbe``).
        var hasNon32ByteHashes: Bool {
            non32ByteHashes == true || ([root1, root2] + proof).contains { $0.utf8.count != 2 * Hash.byteCount }
        }
    }

    /// A Go `uint64` from the vectors, as the `Int64` with the same bits.
    @propertyWrapper
    struct GoUInt64: Decodable, Sendable {
        var wrappedValue: Int64
        init(from decoder: any Decoder) throws {
            wrappedValue = Int64(bitPattern: try decoder.singleValueContainer().decode(UInt64.self))
        }
    }

    // MARK: - rfc6962-generated-*.json

    struct GeneratedFile<Case: Decodable>: Decodable {
        var leafHashes: [String]
        var rootsBySize: [String]
        var cases: [Case]
    }

    struct GeneratedInclusionCase: Decodable {
        var treeSize: Int64
        var leafIndex: Int64
        var proof: [String]
    }

    struct GeneratedConsistencyCase: Decodable {
        var size1: Int64
        var size2: Int64
        var proof: [String]
    }

    // MARK: - tlog-tiles.json

    struct TilesFile: Decodable {
        struct IndexEncoding: Decodable { var cases: [Case]; struct Case: Decodable { var n: Int64; var encoded: String } }
        struct Inventory: Decodable {
            var cases: [Case]
            struct Case: Decodable { var treeSize: Int64; var tiles: [Level] }
            struct Level: Decodable { var level: Int; var fullTiles: Int64; var partialWidth: Int }
        }
        struct GoSumdbPaths: Decodable {
            var cases: [Case]
            struct Case: Decodable {
                var path: String
                var height: Int?
                var level: Int?
                var index: Int64?
                var width: Int?
                var invalid: Bool?
                enum CodingKeys: String, CodingKey {
                    case path, invalid, height = "H", level = "L", index = "N", width = "W"
                }
            }
        }
        struct Generated: Decodable {
            var treeSize: Int64
            var rootHex: String
            var tiles: [Tile]
            struct Tile: Decodable {
                var path: String
                var bytes: Int
                var sha256: String?
                var firstHash: String?
                var lastHash: String?
                var hex: String?
            }
        }
        var tlogTilesIndexEncoding: IndexEncoding
        var tlogTilesInventory: Inventory
        var goSumdbTilePaths: GoSumdbPaths
        var generatedTiles300: Generated
    }
}

/// Bytes from lowercase or uppercase hex; `nil` if malformed.
func bytes(hex: String) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    for pair in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[pair..<(pair + 2)], as: UTF8.self), radix: 16) else { return nil }
        result.append(byte)
    }
    return result
}

/// A `Hash` from vector hex that is known to be 32 bytes.
func hash(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Hash {
    try #require(Hash(hex: hex), "not a 32-byte hash: \(hex)", sourceLocation: sourceLocation)
}

/// The entries of the generated vector trees: the ASCII strings `"leaf-<i>"`.
func generatedEntry(_ index: Int) -> [UInt8] { Array("leaf-\(index)".utf8) }

/// Lowercase hex SHA-256 of whole tiles and bundles, for the vector digests.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
