import Merkle

/// An entry as the API presents it: the stored entry plus its SET and an inclusion proof against a
/// signed checkpoint.
public struct LogEntryView: Sendable {
    public let entry: StoredEntry
    /// 80-hex Rekor EntryID (tree ID + UUID).
    public let entryID: String
    /// Hex SHA-256 of the log key's SPKI.
    public let logID: String
    public let signedEntryTimestamp: [UInt8]
    public let proof: InclusionProof
    public let rootHash: Hash
    public let checkpoint: String

    /// The 64-hex UUID (the leaf hash).
    public var uuid: String { entry.leafHash.hex }
}
