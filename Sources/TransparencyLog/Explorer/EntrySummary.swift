import Foundation
import WireFormat

/// One entry as the explorer's lists show it: which log holds it and where, when it was integrated,
/// and its body (base64, exactly as stored), from which the page decodes the identity itself.
public struct EntrySummary: Codable, Sendable, Equatable {
    /// The log the entry is in (`v1` or `v2`); log indexes are per log.
    public let log: ExplorerLog.Name
    public let logIndex: Int64
    /// The 64-hex UUID (leaf hash).
    public let uuid: String
    /// When the log sequenced the entry (Unix seconds). Signed by the v1 log (its SET); the v2 log
    /// signs no time, so for v2 entries this is the log's unsigned record.
    public let integratedTime: Int64
    public let kind: String
    public let body: String

    init(_ entry: StoredEntry, log: ExplorerLog.Name) {
        self.log = log
        self.logIndex = entry.index
        self.uuid = entry.leafHash.hex
        self.integratedTime = entry.integratedTime
        self.kind = entry.kind
        self.body = StrictBase64.encode(entry.body)
    }
}

/// One page of an explorer search: the entries found, and the log and log index the next page
/// starts at (both absent on the last page).
public struct EntryPage: Codable, Sendable, Equatable {
    public let entries: [EntrySummary]
    public let next: Int64?
    public let nextLog: ExplorerLog.Name?
}

/// The logs the explorer shows beside the v1 log (`/api/v1/log`), with what the page needs to verify
/// them itself: today the Rekor v2 log, absent when the server runs none.
public struct ExplorerLogs: Codable, Sendable, Equatable {
    /// A Rekor v2 log: where its tlog-tiles are served (`basePath` + `/checkpoint`, `/tile/…`), the
    /// checkpoint origin (the signature line's name, which enters an Ed25519 key ID), and its key.
    public struct V2: Codable, Sendable, Equatable {
        public let basePath: String
        public let origin: String
        /// PEM `PUBLIC KEY`: what the page pins on first use, unless the auditor pasted one.
        public let publicKey: String
        /// Hex of the full key ID (`logId.keyId` in bundles and the trusted root).
        public let keyID: String
    }

    public let v2: V2?
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
