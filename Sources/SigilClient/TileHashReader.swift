import Foundation
import Merkle
import SigstoreKit
import Synchronization

/// Reads a tile-based log's tree hashes from its c2sp.org/tlog-tiles files (a Rekor v2 log has no
/// proof API), so that `Merkle`'s proof functions can make consistency and inclusion proofs on the
/// client. Nothing read is trusted: every proof made from these hashes is verified against signed
/// checkpoints by the caller, so a log serving wrong tiles only makes verification fail.
///
/// `treeSize` fixes which tiles exist (a level's rightmost tile is partial, `.p/W`). A stored hash
/// at tree level `l` is read from tile level `⌊l/8⌋` and, when `l` is not a multiple of 8, folded
/// from the `2^(l mod 8)` hashes below it in that tile (all inside one tile: the run is aligned).
public final class TileHashReader: AsyncHashReader {
    public let client: LogClient
    public let treeSize: Int64
    private let tiles = Mutex<[Tiles.Coordinate: [Hash]]>([:])

    public init(client: LogClient, treeSize: Int64) {
        self.client = client
        self.treeSize = treeSize
    }

    public func readHashes(at indexes: [Int64]) async throws -> [Hash] {
        var result: [Hash] = []
        result.reserveCapacity(indexes.count)
        for index in indexes { result.append(try await hash(at: index)) }
        return result
    }

    private func hash(at storedIndex: Int64) async throws -> Hash {
        let (level, index) = StoredHashes.split(storedIndex)
        let tileLevel = level / Tiles.height
        let below = level % Tiles.height
        let first = index << Int64(below)           // first hash at tree level 8·tileLevel
        let count = 1 << below
        let tileIndex = first / Int64(Tiles.width)
        let tile = try await self.tile(level: tileLevel, index: tileIndex)
        let offset = Int(first % Int64(Tiles.width))
        guard offset + count <= tile.count else {
            throw ClientError("tile \(tileLevel)/\(tileIndex) holds \(tile.count) hashes; hash \(offset + count - 1) is missing at tree size \(treeSize)")
        }
        var run = Array(tile[offset..<(offset + count)])
        while run.count > 1 {
            run = stride(from: 0, to: run.count, by: 2).map { RFC6962.nodeHash(run[$0], run[$0 + 1]) }
        }
        return run[0]
    }

    private func tile(level: Int, index: Int64) async throws -> [Hash] {
        let hashesAtLevel = treeSize >> Int64(level * Tiles.height)
        let width = Int(min(Int64(Tiles.width), hashesAtLevel - index * Int64(Tiles.width)))
        guard width > 0, let coordinate = Tiles.Coordinate(level: level, index: index, width: width) else {
            throw ClientError("tile \(level)/\(index) does not exist at tree size \(treeSize)")
        }
        if let cached = tiles.withLock({ $0[coordinate] }) { return cached }
        let bytes = try await client.tileResource(coordinate.path)
        let hashes: [Hash]
        do { hashes = try Tiles.hashes(tileData: bytes) } catch {
            throw ClientError("\(coordinate.path) is malformed: \(error)")
        }
        guard hashes.count == width else {
            throw ClientError("\(coordinate.path) holds \(hashes.count) hashes, expected \(width)")
        }
        tiles.withLock { $0[coordinate] = hashes }
        return hashes
    }
}
