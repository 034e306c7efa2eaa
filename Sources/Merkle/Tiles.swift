/// Coordinate math of c2sp.org/tlog-tiles: which tiles and entry bundles a tree has, their paths, and which
/// stored hashes a tile holds.
///
/// Tiles have a fixed height of 8: the tile at level `L`, index `N` holds up to 256 consecutive node hashes at
/// tree level `8·L`, node indexes `N·256 ..< N·256 + W`, so its hash `i` is the stored hash
/// `StoredHashes.index(level: 8·L, index: N·256 + i)`. Level-0 tiles hold leaf hashes; entry bundles hold the
/// entries themselves, with the same `N` and `W`. A level's rightmost tile is partial (width `1...255`, path
/// suffix `.p/W`) until it fills; empty tiles do not exist.
///
/// Types: ``Coordinate`` (a hash tile, `tile/L/N[.p/W]`), ``EntryBundle`` (`tile/entries/N[.p/W]`),
/// ``Resource`` (either, parsed from a request path), ``LevelInventory`` (counts per level).
public enum Tiles {
    /// Tree levels per tile: a full tile is the 256 leaves of a height-8 subtree.
    public static let height = 8
    /// Hashes in a full tile (2^height), and entries in a full entry bundle.
    public static let width = 256
    /// The highest tile level tlog-tiles allows in a path.
    public static let maxLevel = 63
    /// The highest tile or bundle index this module represents: `(maxIndex + 1) · 256` still fits in `Int64`.
    public static let maxIndex = Int64.max / Int64(width) - 1

    /// Encodes a tile or bundle index `N` as tlog-tiles path elements: zero-padded groups of three digits,
    /// all but the last prefixed with `x` (`1234067` → `x001/x234/067`, `5` → `005`).
    ///
    /// - Precondition: `n >= 0`.
    public static func encodeIndex(_ n: Int64) -> String {
        precondition(n >= 0, "Merkle: negative tile index \(n)")
        var groups: [Int64] = []
        var rest = n
        repeat {
            groups.append(rest % 1000)
            rest /= 1000
        } while rest > 0
        var encoded = ""
        for (position, group) in groups.reversed().enumerated() {
            if position > 0 { encoded += "/" }
            if position < groups.count - 1 { encoded += "x" }
            let digits = String(group)
            encoded += String(repeating: "0", count: 3 - digits.count) + digits
        }
        return encoded
    }

    /// Parses the `N` path elements made by ``encodeIndex(_:)``; returns `nil` for any other form, including
    /// non-canonical ones (`x000/001`, `0001`, `1`, a missing or misplaced `x`) and values that do not fit `Int64`.
    public static func parseIndex(_ s: Substring) -> Int64? {
        let groups = s.split(separator: "/", omittingEmptySubsequences: false)
        var value: Int64 = 0
        for (position, group) in groups.enumerated() {
            let isLast = position == groups.count - 1
            var digits = group[...]
            if !isLast {
                guard digits.first == "x" else { return nil }
                digits = digits.dropFirst()
            }
            guard digits.utf8.count == 3, let group = parseDigits(digits) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 1000)
            let (sum, carry) = shifted.addingReportingOverflow(group)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        guard encodeIndex(value) == s else { return nil }   // only the canonical spelling
        return value
    }

    /// Full tiles and the partial tile's width at one tile level, for a given tree size.
    public struct LevelInventory: Hashable, Sendable {
        /// The tile level (tree level `8·level`).
        public let level: Int
        /// Number of full (256-wide) tiles at this level.
        public let fullTileCount: Int64
        /// Width of the partial tile, `1...255`, or `0` when the level has none.
        public let partialWidth: Int
    }

    /// The tiles of a tree of `treeSize` leaves, per level from 0 up, as tlog-tiles "Partial Tiles" describes:
    /// level `L` has `⌊treeSize / 256^L⌋` hashes. Levels without any hash are omitted (none for the empty tree).
    public static func inventory(treeSize: Int64) -> [LevelInventory] {
        var levels: [LevelInventory] = []
        var level = 0
        var hashes = max(treeSize, 0)
        while hashes > 0 {
            levels.append(LevelInventory(level: level, fullTileCount: hashes / Int64(width),
                                         partialWidth: Int(hashes % Int64(width))))
            hashes /= Int64(width)
            level += 1
        }
        return levels
    }

    /// Every hash tile of a tree of `treeSize` leaves: all full tiles and each level's partial tile, level 0
    /// first, by index within a level. Each is ``Coordinate/isServable(treeSize:)``.
    public static func coordinates(treeSize: Int64) -> [Coordinate] {
        var tiles: [Coordinate] = []
        for level in inventory(treeSize: treeSize) {
            for index in 0..<level.fullTileCount {
                tiles.append(Coordinate(checkedLevel: level.level, index: index, width: width))
            }
            if level.partialWidth > 0 {
                tiles.append(Coordinate(checkedLevel: level.level, index: level.fullTileCount, width: level.partialWidth))
            }
        }
        return tiles
    }

    /// Every entry bundle of a tree of `treeSize` leaves: the full bundles, then the partial one if any.
    ///
    /// Made one at a time as they are read: a signed tree size can be any int64 a log (or a forger)
    /// chose, and a list of 2^55 bundles would not fit in memory.
    public static func entryBundles(treeSize: Int64) -> UnfoldSequence<EntryBundle, Int64> {
        let leaves = inventory(treeSize: treeSize).first
        let full = leaves?.fullTileCount ?? 0, partial = leaves?.partialWidth ?? 0
        return sequence(state: Int64(0)) { next in
            defer { if next <= full { next += 1 } }
            if next < full { return EntryBundle(checkedIndex: next, width: width) }
            return next == full && partial > 0 ? EntryBundle(checkedIndex: full, width: partial) : nil
        }
    }

    /// The body of a hash tile: its hashes concatenated (32 bytes each).
    public static func tileData(_ hashes: [Hash]) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(hashes.count * Hash.byteCount)
        for hash in hashes { hash.withUnsafeBytes { data.append(contentsOf: $0) } }
        return data
    }

    /// Splits the body of a hash tile into its hashes.
    ///
    /// - Throws: ``TileError/invalidTileSize(byteCount:)`` unless the body is 1 to 256 whole hashes.
    public static func hashes(tileData data: some Collection<UInt8>) throws(TileError) -> [Hash] {
        let bytes = Array(data)
        guard !bytes.isEmpty, bytes.count % Hash.byteCount == 0, bytes.count <= width * Hash.byteCount else {
            throw .invalidTileSize(byteCount: bytes.count)
        }
        return stride(from: 0, to: bytes.count, by: Hash.byteCount).map { offset in
            Hash(bytes[offset..<(offset + Hash.byteCount)])!   // exactly 32 bytes by construction
        }
    }
}
