import Foundation
import Merkle
import SigstoreKit

/// The result of re-deriving a whole log from its entries.
public struct AuditResult: Sendable, Equatable {
    public let treeSize: Int64
    public let computedRoot: Hash
    public let checkpointRoot: Hash
    public var matches: Bool { computedRoot == checkpointRoot }
}

/// Re-derives the tree from every entry (downloaded as tlog-tiles entry bundles) and compares the
/// root with the log's signed checkpoint.
public struct LogAuditor: Sendable {
    public let client: LogClient
    public let logKey: VerificationKey

    /// For a Rekor v2 (tile-based) log: the checkpoint origin (see ``LogMonitor/rekorV2Origin``).
    public let rekorV2Origin: String?

    public init(client: LogClient, logKey: VerificationKey, rekorV2Origin: String? = nil) {
        self.client = client
        self.logKey = logKey
        self.rekorV2Origin = rekorV2Origin
    }

    /// `progress(done, total)` is called after each bundle of up to 256 entries.
    public func audit(progress: @Sendable (Int64, Int64) -> Void) async throws -> AuditResult {
        let checkpoint: Checkpoint
        do {
            if let rekorV2Origin {
                let note = String(decoding: try await client.tileResource("checkpoint"), as: UTF8.self)
                checkpoint = try LogEntryVerification.verifyRekorV2Checkpoint(note, logKey: logKey, origin: rekorV2Origin)
            } else {
                checkpoint = try LogEntryVerification.verifyCheckpoint(try await client.logInfo().signedTreeHead, logKey: logKey)
            }
        } catch let error as LogEntryError {
            throw ClientError("the log's checkpoint does not verify: \(error)")
        }
        let total = checkpoint.treeSize
        var tree = CompactRange()
        for bundle in Tiles.entryBundles(treeSize: total) {
            let bytes = try await client.tileResource(bundle.path)
            let entries: [[UInt8]]
            do {
                entries = try Tiles.EntryBundle.decode(bytes)
            } catch {
                throw ClientError("\(bundle.path) is malformed: \(error)")
            }
            guard entries.count == bundle.width else {
                throw ClientError("\(bundle.path) holds \(entries.count) entries, expected \(bundle.width)")
            }
            for entry in entries { _ = tree.append(leafHash: RFC6962.leafHash(entry)) }
            progress(tree.treeSize, total)
        }
        return AuditResult(treeSize: total, computedRoot: tree.rootHash, checkpointRoot: checkpoint.rootHash)
    }
}
