import Foundation

/// The JSON bodies of the Rekor v1 REST API (sigstore/rekor openapi.yaml), shared by Sigil's log
/// server and its clients. Integers are JSON numbers, hashes lowercase hex, blobs standard base64.
public enum RekorAPI {
    /// `InclusionProof` inside an entry's `verification`.
    public struct InclusionProof: Codable, Sendable, Equatable {
        public var checkpoint: String
        public var hashes: [String]
        public var logIndex: Int64
        public var rootHash: String
        public var treeSize: Int64

        public init(checkpoint: String, hashes: [String], logIndex: Int64, rootHash: String, treeSize: Int64) {
            self.checkpoint = checkpoint
            self.hashes = hashes
            self.logIndex = logIndex
            self.rootHash = rootHash
            self.treeSize = treeSize
        }
    }

    /// `verification` of a `LogEntryAnon`.
    public struct Verification: Codable, Sendable, Equatable {
        public var inclusionProof: InclusionProof
        public var signedEntryTimestamp: String

        public init(inclusionProof: InclusionProof, signedEntryTimestamp: String) {
            self.inclusionProof = inclusionProof
            self.signedEntryTimestamp = signedEntryTimestamp
        }
    }

    /// `LogEntryAnon`: one entry with its proof material.
    public struct Entry: Codable, Sendable, Equatable {
        public var body: String
        public var integratedTime: Int64
        public var logID: String
        public var logIndex: Int64
        public var verification: Verification

        public init(body: String, integratedTime: Int64, logID: String, logIndex: Int64, verification: Verification) {
            self.body = body
            self.integratedTime = integratedTime
            self.logID = logID
            self.logIndex = logIndex
            self.verification = verification
        }
    }

    /// `LogEntry`: a JSON object with exactly one member, EntryID → `Entry`.
    public typealias LogEntry = [String: Entry]

    /// `LogInfo` (`GET /api/v1/log`).
    public struct LogInfo: Codable, Sendable, Equatable {
        public var rootHash: String
        public var treeSize: Int64
        public var signedTreeHead: String
        public var treeID: String
        public var inactiveShards: [String]?

        public init(rootHash: String, treeSize: Int64, signedTreeHead: String, treeID: String) {
            self.rootHash = rootHash
            self.treeSize = treeSize
            self.signedTreeHead = signedTreeHead
            self.treeID = treeID
            self.inactiveShards = []
        }
    }

    /// `ConsistencyProof` (`GET /api/v1/log/proof`); Sigil's inclusion-proof endpoint answers the same shape.
    public struct Proof: Codable, Sendable, Equatable {
        public var rootHash: String
        public var hashes: [String]

        public init(rootHash: String, hashes: [String]) {
            self.rootHash = rootHash
            self.hashes = hashes
        }
    }

    /// Rekor's error body.
    public struct ErrorBody: Codable, Sendable, Equatable {
        public var code: Int
        public var message: String

        public init(code: Int, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// Sigil's 409 body: the error fields plus the existing entry, so no second lookup is needed.
    public struct ConflictBody: Codable, Sendable, Equatable {
        public var code: Int
        public var message: String
        public var entry: LogEntry

        public init(code: Int, message: String, entry: LogEntry) {
            self.code = code
            self.message = message
            self.entry = entry
        }
    }
}
