import Foundation
import WireFormat

/// One entry as the explorer's lists show it: where it is, when it was integrated, and its body
/// (base64, exactly as stored), from which the page decodes the identity itself.
public struct EntrySummary: Codable, Sendable, Equatable {
    public let logIndex: Int64
    /// The 64-hex UUID (leaf hash).
    public let uuid: String
    public let integratedTime: Int64
    public let kind: String
    public let body: String

    init(_ entry: StoredEntry) {
        self.logIndex = entry.index
        self.uuid = entry.leafHash.hex
        self.integratedTime = entry.integratedTime
        self.kind = entry.kind
        self.body = StrictBase64.encode(entry.body)
    }
}

/// One page of an explorer search: the entries found, and the log index the next page starts at
/// (absent on the last page).
public struct EntryPage: Codable, Sendable, Equatable {
    public let entries: [EntrySummary]
    public let next: Int64?
}

/// The newest entries of the log, with the tree size they were read at.
public struct RecentEntries: Codable, Sendable, Equatable {
    public let treeSize: Int64
    public let entries: [EntrySummary]
}

/// One published checkpoint, for the overview's history.
public struct CheckpointRecord: Codable, Sendable, Equatable {
    public let treeSize: Int64
    /// The signed note text, exactly as published.
    public let note: String
}

/// The overview's checkpoint history, newest first.
public struct CheckpointHistory: Codable, Sendable, Equatable {
    public let checkpoints: [CheckpointRecord]
}
