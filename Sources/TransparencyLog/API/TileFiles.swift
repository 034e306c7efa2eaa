import Merkle

/// The tlog-tiles files of one tree, read from its store: what the v1 log and the Rekor v2 log
/// both serve through `TileServing`, written once.
struct TileFiles: Sendable {
    let store: any LogStore
    let reader: CachedHashReader

    /// The bytes of a hash tile, or nil if that tile does not exist at `treeSize`.
    func tile(_ coordinate: Tiles.Coordinate, treeSize: Int64) async throws -> [UInt8]? {
        guard coordinate.isServable(treeSize: treeSize) else { return nil }
        return Tiles.tileData(try await reader.readHashes(at: coordinate.storedHashIndexes))
    }

    /// The bytes of an entry bundle, or nil if it does not exist at `treeSize`.
    func entryBundle(_ bundle: Tiles.EntryBundle, treeSize: Int64) async throws -> [UInt8]? {
        guard bundle.isServable(treeSize: treeSize) else { return nil }
        let entries = try await store.entries(in: bundle.leafIndexes)
        guard entries.count == bundle.width else {
            throw LogError(.internalError, "entry bundle \(bundle.index) is missing entries")
        }
        return try Tiles.EntryBundle.encode(entries.map(\.body))
    }
}
