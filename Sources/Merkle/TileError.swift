/// Why a tile or entry bundle body (c2sp.org/tlog-tiles) could not be encoded or decoded.
public enum TileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hash tile body is empty, not a whole number of 32-byte hashes, or more than 256 of them.
    case invalidTileSize(byteCount: Int)
    /// An entry bundle would hold or holds no entries, or more than 256.
    case invalidEntryCount(Int)
    /// The entry at `position` is longer than a `uint16` length prefix can express.
    case entryTooLong(position: Int, length: Int)
    /// The length prefix or the entry starting at byte `offset` runs past the end of the bundle.
    case truncatedBundle(offset: Int)

    public var description: String {
        switch self {
        case .invalidTileSize(let byteCount):
            "tile body of \(byteCount) bytes is not 1 to 256 hashes of 32 bytes"
        case .invalidEntryCount(let count):
            "entry bundle with \(count) entries, expected 1 to 256"
        case .entryTooLong(let position, let length):
            "entry \(position) is \(length) bytes, longer than the 65535 an entry bundle allows"
        case .truncatedBundle(let offset):
            "entry bundle is truncated in the entry at byte \(offset)"
        }
    }
}
