import Foundation

extension Tiles {
    /// An entry bundle of c2sp.org/tlog-tiles, served at `tile/entries/N[.p/W]`: the entries (leaf data) whose
    /// leaf hashes form level-0 tile `N`, each as a big-endian `uint16` length followed by the entry bytes.
    public struct EntryBundle: Hashable, Sendable, CustomStringConvertible {
        /// Bundle index `N`, `0...Tiles.maxIndex`.
        public let index: Int64
        /// Number of entries `W`: `256` for a full bundle, `1...255` for a partial one.
        public let width: Int

        /// The largest entry a bundle can hold (its length must fit the `uint16` prefix).
        public static let maxEntryLength = Int(UInt16.max)

        /// A bundle coordinate; `nil` unless `0 <= index <= Tiles.maxIndex` and `1 <= width <= 256`.
        public init?(index: Int64, width: Int = Tiles.width) {
            guard (0...maxIndex).contains(index), (1...Tiles.width).contains(width) else { return nil }
            self.init(checkedIndex: index, width: width)
        }

        init(checkedIndex index: Int64, width: Int) {
            self.index = index
            self.width = width
        }

        /// Parses `tile/entries/N[.p/W]` strictly (only what ``path`` produces); `nil` for anything else.
        public init?(path: some StringProtocol) {
            guard case .entryBundle(let bundle) = Resource(path: path) else { return nil }
            self = bundle
        }

        /// Whether this is a partial bundle (`width < 256`).
        public var isPartial: Bool { width < Tiles.width }

        /// The bundle's path, `tile/entries/N` or `tile/entries/N.p/W`, without a leading `/`.
        public var path: String {
            "tile/entries/\(encodeIndex(index))" + (isPartial ? ".p/\(width)" : "")
        }

        /// The path, as in ``path``.
        public var description: String { path }

        /// The 0-based leaf indexes of the bundle's entries.
        public var leafIndexes: Range<Int64> {
            let start = index * Int64(Tiles.width)
            return start..<(start + Int64(width))
        }

        /// Whether a log of `treeSize` leaves serves this bundle; the same rule as the level-0 hash tile
        /// (``Coordinate/isServable(treeSize:)``).
        public func isServable(treeSize: Int64) -> Bool {
            Coordinate(checkedLevel: 0, index: index, width: width).isServable(treeSize: treeSize)
        }

        /// Encodes entries as a bundle body: for each, its length as a big-endian `uint16`, then its bytes.
        ///
        /// - Throws: ``TileError/invalidEntryCount(_:)`` unless there are 1 to 256 entries;
        ///   ``TileError/entryTooLong(position:length:)`` for an entry over 65,535 bytes.
        public static func encode(_ entries: [some DataProtocol]) throws(TileError) -> [UInt8] {
            guard (1...Tiles.width).contains(entries.count) else { throw .invalidEntryCount(entries.count) }
            var body: [UInt8] = []
            body.reserveCapacity(entries.reduce(0) { $0 + 2 + $1.count })
            for (position, entry) in entries.enumerated() {
                guard entry.count <= maxEntryLength else { throw .entryTooLong(position: position, length: entry.count) }
                body.append(UInt8(entry.count >> 8))
                body.append(UInt8(entry.count & 0xFF))
                body.append(contentsOf: entry)
            }
            return body
        }

        /// Splits a bundle body into its entries.
        ///
        /// - Throws: ``TileError/truncatedBundle(offset:)`` if a length prefix or entry runs past the end;
        ///   ``TileError/invalidEntryCount(_:)`` unless it holds 1 to 256 entries.
        public static func decode(_ body: some Collection<UInt8>) throws(TileError) -> [[UInt8]] {
            let bytes = Array(body)
            var entries: [[UInt8]] = []
            var offset = 0
            while offset < bytes.count {
                guard entries.count < Tiles.width else { throw .invalidEntryCount(entries.count + 1) }
                guard offset + 2 <= bytes.count else { throw .truncatedBundle(offset: offset) }
                let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                guard offset + 2 + length <= bytes.count else { throw .truncatedBundle(offset: offset) }
                entries.append(Array(bytes[(offset + 2)..<(offset + 2 + length)]))
                offset += 2 + length
            }
            guard !entries.isEmpty else { throw .invalidEntryCount(0) }
            return entries
        }
    }
}
