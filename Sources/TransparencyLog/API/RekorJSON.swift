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

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
