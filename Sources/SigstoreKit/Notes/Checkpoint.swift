import Foundation
import Merkle
import WireFormat

/// A transparency log checkpoint body (c2sp.org/tlog-checkpoint "Note text"): the origin, the tree
/// size in canonical decimal, the base64 RFC 6962 root hash, and optional non-empty extension lines,
/// each ending in a newline.
///
/// Rekor v1's origin is `"<hostname> - <tree ID>"` (it contains spaces, which the spec allows) and its
/// older checkpoints carry a `Timestamp: <nanos>` extension line; both parse.
public struct Checkpoint: Sendable, Equatable {
    /// The log's identity; non-empty.
    public let origin: String
    /// The number of leaves; never negative. (The format allows up to 2^64 - 1; sizes beyond
    /// `Int64.max` are rejected.)
    public let treeSize: Int64
    /// The RFC 6962 Merkle tree hash at `treeSize`.
    public let rootHash: Hash
    /// Extension lines without their newlines; each non-empty. NOT RECOMMENDED by the spec.
    public let extensions: [String]

    /// A checkpoint to sign. Traps on values that cannot be formatted: an empty origin, a negative
    /// size, an empty extension line, or a newline or other control character in a line.
    public init(origin: String, treeSize: Int64, rootHash: Hash, extensions: [String] = []) {
        precondition(Self.isValidLine(origin), "Checkpoint: origin must be a non-empty line without control characters")
        precondition(treeSize >= 0, "Checkpoint: tree size must not be negative")
        precondition(extensions.allSatisfy(Self.isValidLine), "Checkpoint: extension lines must be non-empty lines without control characters")
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// Parses a note text strictly: at least three lines, every line non-empty and ending in a
    /// newline, no control characters, the size in canonical decimal (no sign, no leading zeros, no
    /// spaces; at most `Int64.max`), the root hash canonical base64 of exactly 32 bytes.
    public init(parsing noteText: String) throws(NoteError) {
        if let offset = NoteSyntax.firstControlCharacter(in: noteText.utf8) {
            throw .malformedCheckpoint("control character at byte \(offset)")
        }
        guard noteText.utf8.last == NoteSyntax.newline else { throw .malformedCheckpoint("the text does not end in a newline") }
        let lines = noteText.utf8.dropLast().split(separator: NoteSyntax.newline, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else {
            throw .malformedCheckpoint("want origin, tree size and root hash lines, got \(lines.count) line(s)")
        }
        if let empty = lines.firstIndex(where: \.isEmpty) {
            throw .malformedCheckpoint("line \(empty + 1) is empty")
        }
        guard let size = Self.parseTreeSize(lines[1]) else {
            throw .malformedCheckpoint("tree size \(String(reflecting: lines[1])) is not a canonical decimal up to \(Int64.max)")
        }
        guard let root = Hash(base64: lines[2]) else {
            if let decoded = StrictBase64.decode(lines[2]) {
                throw .malformedCheckpoint("root hash is \(decoded.count) bytes, want \(Hash.byteCount)")
            }
            throw .malformedCheckpoint("root hash \(String(reflecting: lines[2])) is not canonical standard base64")
        }
        self.init(origin: lines[0], treeSize: size, rootHash: root, extensions: Array(lines.dropFirst(3)))
    }

    /// The note text this checkpoint is signed as.
    public var noteText: String {
        ([origin, String(treeSize), rootHash.base64] + extensions).map { $0 + "\n" }.joined()
    }

    /// ASCII digits only, no leading zero unless the value is 0, and within `Int64`.
    private static func parseTreeSize(_ line: String) -> Int64? {
        guard line.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int64(line), String(value) == line
        else { return nil }
        return value
    }

    private static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && NoteSyntax.firstControlCharacter(in: line.utf8) == nil
    }
}
