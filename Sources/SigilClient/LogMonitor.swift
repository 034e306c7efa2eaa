import Foundation
import Merkle
import SigstoreKit
import WireFormat

/// What a monitor remembers between runs: the log it watches, the key it pinned, and the last
/// checkpoint it verified.
public struct MonitorState: Codable, Sendable, Equatable {
    public var logURL: String
    /// Base64 DER SPKI of the log key, pinned on first use.
    public var logKey: String
    public var treeSize: Int64
    public var rootHash: String
    public var checkpoint: String

    public init(logURL: String, logKey: String, treeSize: Int64, rootHash: String, checkpoint: String) {
        self.logURL = logURL
        self.logKey = logKey
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.checkpoint = checkpoint
    }
}

/// The result of one monitoring step.
public enum MonitorOutcome: Sendable, Equatable {
    /// No earlier checkpoint: this one is now the baseline.
    case firstCheckpoint(MonitorState)
    /// The log grew (or stayed) and is consistent with what was seen before.
    case consistent(old: MonitorState, new: MonitorState)
}

/// Why a monitoring step failed. A fork or rollback is evidence of misbehaviour and names both checkpoints.
public enum MonitorError: Error, CustomStringConvertible, Equatable {
    case rollback(old: String, new: String)
    case fork(old: String, new: String, why: String)
    case badCheckpoint(String)
    /// The monitor's own state file is not what it wrote: its checkpoint does not verify, or names
    /// another size or root than the file does.
    case badState(String)
    case keyChanged(pinned: String, given: String)

    public var description: String {
        switch self {
        case .rollback(let old, let new):
            "ROLLBACK: the log now presents a smaller tree than it did before.\n--- earlier checkpoint ---\n\(old)--- current checkpoint ---\n\(new)"
        case .fork(let old, let new, let why):
            "FORK: the current checkpoint is not consistent with the earlier one (\(why)).\n--- earlier checkpoint ---\n\(old)--- current checkpoint ---\n\(new)"
        case .badCheckpoint(let why): "the log's checkpoint does not verify: \(why)"
        case .badState(let why): "the monitor's state file cannot be trusted: \(why)"
        case .keyChanged(let pinned, let given):
            "the monitor state pins log key \(pinned), but \(given) was given"
        }
    }
}

/// One step of a log monitor: fetch the latest signed checkpoint, verify its signature, and prove it
/// consistent with the last verified one. Nothing the log says is trusted without a proof.
public struct LogMonitor: Sendable {
    public let client: LogClient
    public let logKey: VerificationKey
    /// For a Rekor v2 (tile-based) log: the checkpoint origin, the host name of its base URL. The
    /// checkpoint is then read from `<base>/checkpoint` and consistency proofs are made from its tiles.
    public let rekorV2Origin: String?

    public init(client: LogClient, logKey: VerificationKey, rekorV2Origin: String? = nil) {
        self.client = client
        self.logKey = logKey
        self.rekorV2Origin = rekorV2Origin
    }

    public func step(from previous: MonitorState?) async throws -> MonitorOutcome {
        let oldRoot = try previous.map(stored)
        let (note, checkpoint) = try await latestCheckpoint()
        let current = MonitorState(logURL: client.baseURL, logKey: StrictBase64.encode(logKey.spkiDER),
                                   treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.hex,
                                   checkpoint: note)
        guard let previous, let oldRoot else { return .firstCheckpoint(current) }
        if checkpoint.treeSize < previous.treeSize {
            throw MonitorError.rollback(old: previous.checkpoint, new: note)
        }
        if checkpoint.treeSize == previous.treeSize {
            guard checkpoint.rootHash == oldRoot else {
                throw MonitorError.fork(old: previous.checkpoint, new: note,
                                        why: "same size \(checkpoint.treeSize), different roots")
            }
            return .consistent(old: previous, new: current)
        }
        if previous.treeSize > 0 {
            let hashes = try await consistencyHashes(firstSize: previous.treeSize, lastSize: checkpoint.treeSize)
            let proof = ConsistencyProof(oldSize: previous.treeSize, newSize: checkpoint.treeSize, hashes: hashes)
            do {
                try proof.verify(oldRoot: oldRoot, newRoot: checkpoint.rootHash)
            } catch {
                throw MonitorError.fork(old: previous.checkpoint, new: note, why: "\(error)")
            }
        }
        return .consistent(old: previous, new: current)
    }

    /// The root of the stored state, once its checkpoint verifies under the pinned key and names its
    /// size and root: a state file edited by hand (a negative or smaller size, another root) would
    /// otherwise skip or weaken the consistency check and then be overwritten as if it had passed.
    private func stored(_ state: MonitorState) throws -> Hash {
        let checkpoint: Checkpoint
        do {
            checkpoint = try rekorV2Origin.map { try LogEntryVerification.verifyRekorV2Checkpoint(state.checkpoint, logKey: logKey, origin: $0) }
                ?? LogEntryVerification.verifyCheckpoint(state.checkpoint, logKey: logKey)
        } catch {
            throw MonitorError.badState("its checkpoint does not verify under the pinned key: \(error)")
        }
        guard checkpoint.treeSize == state.treeSize, checkpoint.rootHash.hex.isExactly(state.rootHash) else {
            throw MonitorError.badState("the stored size \(state.treeSize) and root \(UntrustedText.quoted(state.rootHash, limit: 80)) "
                + "are not those of its checkpoint (size \(checkpoint.treeSize), root \(checkpoint.rootHash.hex))")
        }
        return checkpoint.rootHash
    }

    /// The latest checkpoint, its signature verified: the v1 API's tree head, or a v2 log's `checkpoint` file.
    private func latestCheckpoint() async throws -> (note: String, checkpoint: Checkpoint) {
        let note: String
        if rekorV2Origin != nil {
            note = String(decoding: try await client.tileResource("checkpoint"), as: UTF8.self)
        } else {
            note = try await client.logInfo().signedTreeHead
        }
        do {
            if let rekorV2Origin {
                return (note, try LogEntryVerification.verifyRekorV2Checkpoint(note, logKey: logKey, origin: rekorV2Origin))
            }
            return (note, try LogEntryVerification.verifyCheckpoint(note, logKey: logKey))
        } catch {
            throw MonitorError.badCheckpoint("\(error)")
        }
    }

    /// The proof hashes between two sizes: from the v1 proof API, or made here from a v2 log's tiles.
    private func consistencyHashes(firstSize: Int64, lastSize: Int64) async throws -> [Hash] {
        guard rekorV2Origin != nil else {
            return try await client.consistencyProof(firstSize: firstSize, lastSize: lastSize).hashes
        }
        return try await makeConsistencyProof(oldSize: firstSize, newSize: lastSize,
                                              reader: TileHashReader(client: client, treeSize: lastSize)).hashes
    }
}
