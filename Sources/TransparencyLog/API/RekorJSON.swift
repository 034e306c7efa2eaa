import Foundation
import Merkle
import SigstoreKit
import WireFormat

/// Rekor v1 JSON shapes (sigstore/rekor openapi.yaml): numbers as JSON numbers, hashes as lowercase
/// hex, blobs as standard base64.
enum RekorJSON {
    typealias Entry = RekorAPI.Entry
    typealias LogInfo = RekorAPI.LogInfo
    typealias ConsistencyProof = RekorAPI.Proof
    typealias ConflictBody = RekorAPI.ConflictBody

    static func entry(_ view: LogEntryView) -> Entry {
        Entry(body: StrictBase64.encode(view.entry.body),
              integratedTime: view.entry.integratedTime,
              logID: view.logID,
              logIndex: view.entry.index,
              verification: RekorAPI.Verification(
                inclusionProof: RekorAPI.InclusionProof(checkpoint: view.checkpoint,
                                               hashes: view.proof.hashes.map(\.hex),
                                               logIndex: view.entry.index,
                                               rootHash: view.rootHash.hex,
                                               treeSize: view.proof.treeSize),
                signedEntryTimestamp: StrictBase64.encode(view.signedEntryTimestamp)))
    }

    /// `LogEntry`: an object with one member, EntryID → LogEntryAnon.
    static func logEntry(_ view: LogEntryView) -> [String: Entry] { [view.entryID: entry(view)] }

    /// `logEntry(view)` as a JSON value, for `JSONReply.canonical`: the same members and the same
    /// bytes as `encoder` writes them (sorted keys, slashes unescaped), without Foundation's
    /// `JSONEncoder` and its Codable machinery on every append's answer.
    static func logEntryJSON(_ view: LogEntryView) -> JSONValue {
        let proof: JSONValue = .object([
            "checkpoint": .string(view.checkpoint),
            "hashes": .array(view.proof.hashes.map { .string($0.hex) }),
            "logIndex": .integer(view.entry.index),
            "rootHash": .string(view.rootHash.hex),
            "treeSize": .integer(view.proof.treeSize),
        ])
        return .object([view.entryID: .object([
            "body": .string(StrictBase64.encode(view.entry.body)),
            "integratedTime": .integer(view.entry.integratedTime),
            "logID": .string(view.logID),
            "logIndex": .integer(view.entry.index),
            "verification": .object([
                "inclusionProof": proof,
                "signedEntryTimestamp": .string(StrictBase64.encode(view.signedEntryTimestamp)),
            ]),
        ])])
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
