extension Tiles {
    /// A hash tile of c2sp.org/tlog-tiles, served at `tile/L/N[.p/W]`.
    ///
    /// Hash `i` of the tile is the node at tree level `8·level`, node index `index·256 + i`, for `i < width`:
    /// at level 0 the leaf hashes, above that the roots of the full tiles one level down.
    public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
        /// Tile level `L`, `0...63`.
        public let level: Int
        /// Tile index `N` within the level, `0...Tiles.maxIndex`.
        public let index: Int64
        /// Number of hashes `W`: `256` for a full tile, `1...255` for a partial one.
        public let width: Int

        /// A tile coordinate; `nil` unless `0 <= level <= 63`, `0 <= index <= Tiles.maxIndex` and `1 <= width <= 256`.
        public init?(level: Int, index: Int64, width: Int = Tiles.width) {
            guard (0...maxLevel).contains(level), (0...maxIndex).contains(index), (1...Tiles.width).contains(width)
            else { return nil }
            self.init(checkedLevel: level, index: index, width: width)
        }

        init(checkedLevel level: Int, index: Int64, width: Int) {
            self.level = level
            self.index = index
            self.width = width
        }

        /// Parses `tile/L/N[.p/W]` strictly (only what ``path`` produces); `nil` for anything else, including
        /// entry bundle paths.
        public init?(path: some StringProtocol) {
            guard case .hashTile(let tile) = Resource(path: path) else { return nil }
            self = tile
        }

        /// Whether this is a partial tile (`width < 256`).
        public var isPartial: Bool { width < Tiles.width }

        /// The tile's path, `tile/L/N` or `tile/L/N.p/W`, without a leading `/`.
        public var path: String {
            "tile/\(level)/\(encodeIndex(index))" + (isPartial ? ".p/\(width)" : "")
        }

        /// The path, as in ``path``.
        public var description: String { path }

        /// Whether a log of `treeSize` leaves serves this tile.
        ///
        /// A full tile is served once the tree covers it. A partial tile is served while its position is still
        /// the level's partial tile and its width is at most the current width: tlog-tiles requires logs to keep
        /// serving the partial tiles of earlier checkpoints, and allows dropping them once the full tile exists.
        /// Its content never changes, since the log is append-only.
        public func isServable(treeSize: Int64) -> Bool {
            let hashesAtLevel = treeSize > 0 ? treeSize >> (Tiles.height * level) : 0   // >> past 63 bits gives 0
            let fullTiles = hashesAtLevel / Int64(Tiles.width)
            if !isPartial { return index < fullTiles }
            return index == fullTiles && width <= Int(hashesAtLevel % Int64(Tiles.width))
        }

        /// The stored indexes (``StoredHashes``) of the tile's hashes, in tile order; read them with one
        /// `readHashes` call and concatenate them with ``Tiles/tileData(_:)`` to serve the tile.
        ///
        /// - Precondition: the tile lies within ``StoredHashes/maxTreeSize`` leaves, as every tile that is
        ///   servable for a real tree does.
        public var storedHashIndexes: [Int64] {
            let firstNode = index * Int64(Tiles.width)
            return (0..<Int64(width)).map { offset in
                StoredHashes.index(level: Tiles.height * level, index: firstNode + offset)
            }
        }
    }
}
