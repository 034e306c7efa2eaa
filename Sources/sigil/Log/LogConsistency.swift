import ArgumentParser
import Foundation
import Merkle
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil log consistency`: prove that a later tree extends an earlier one.
struct LogConsistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Prove that the tree of size --to extends the tree of size --from (both signed checkpoints).",
        discussion: """
            A Rekor v2 log publishes only its latest checkpoint: give the earlier one you kept (the `checkpoint` file
            as fetched, a signed note) with --from-checkpoint, and the proof to the latest is made from the log's tiles.
            Examples:
              sigil log consistency --from 5 --to 12
              sigil log consistency --trust-config .sigil/trust_config.json --log-url http://127.0.0.1:3000/rekor-v2 \\
                --from-checkpoint saved-checkpoint.txt
            """)

    @OptionGroup var options: LogOptions
    @Option(help: "The earlier tree size (a Rekor v1 log).") var from: Int64?
    @Option(help: "The later tree size (default: the latest; a Rekor v1 log).") var to: Int64?
    @Option(help: "A signed checkpoint saved earlier (a Rekor v2 log): proved consistent with the latest one.")
    var fromCheckpoint: String?

    struct Report: Encodable {
        let oldSize: Int64
        let newSize: Int64
        let oldRoot: String
        let newRoot: String
        let hashes: [String]
    }

    func run() async throws {
        if let origin = try await options.rekorV2Origin { return try await rekorV2Consistency(origin: origin) }
        guard let from else { throw ValidationError("--from is required (--from-checkpoint is for a Rekor v2 log)") }
        guard from >= 1 else { throw ValidationError("--from must be at least 1") }
        let key = try await options.verificationKey()
        let client = try await options.client
        let newSize: Int64
        if let to { newSize = to } else { newSize = try await client.logInfo().treeSize }
        guard newSize >= from else { throw CLIError("--to (\(newSize)) is smaller than --from (\(from))") }
        let old = try LogEntryVerification.verifyCheckpoint(try await client.checkpoint(treeSize: from), logKey: key)
        let new = try LogEntryVerification.verifyCheckpoint(try await client.checkpoint(treeSize: newSize), logKey: key)
        let (_, hashes) = try await client.consistencyProof(firstSize: from, lastSize: newSize)
        do {
            try ConsistencyProof(oldSize: from, newSize: newSize, hashes: hashes).verify(oldRoot: old.rootHash, newRoot: new.rootHash)
        } catch {
            throw CLIError("the tree of size \(newSize) is NOT consistent with the tree of size \(from): \(error)")
        }
        let report = Report(oldSize: from, newSize: newSize, oldRoot: old.rootHash.hex, newRoot: new.rootHash.hex,
                            hashes: hashes.map(\.hex))
        if options.json { return try Output.json(report) }
        print("Tree size \(newSize) (root \(new.rootHash.hex)) is consistent with tree size \(from) (root \(old.rootHash.hex))")
        print("Proof: \(hashes.count) hashes; both checkpoints' signatures verified")
    }

    /// The saved checkpoint and the latest, both verified, and the proof between them made from
    /// the tiles: one monitor step from the saved state.
    private func rekorV2Consistency(origin: String) async throws {
        guard let fromCheckpoint else {
            throw CLIError("a Rekor v2 log publishes only its latest checkpoint: give the earlier one you kept with --from-checkpoint FILE, "
                           + "or use `sigil log monitor`, which proves each new checkpoint consistent with the last one it verified")
        }
        guard from == nil, to == nil else { throw ValidationError("--from and --to are for a Rekor v1 log; a Rekor v2 log takes --from-checkpoint") }
        let key = try await options.verificationKey()
        guard let data = FileManager.default.contents(atPath: fromCheckpoint), data.count <= 1 << 16 else {
            throw CLIError("\(fromCheckpoint): cannot read the saved checkpoint (missing, unreadable or larger than 64 KiB)")
        }
        let note = String(decoding: data, as: UTF8.self)
        let old: Checkpoint
        do { old = try LogEntryVerification.verifyRekorV2Checkpoint(note, logKey: key, origin: origin) } catch {
            throw CLIError("\(fromCheckpoint): the saved checkpoint does not verify with the log's key: \(error)")
        }
        let client = try await options.client
        let saved = MonitorState(logURL: client.baseURL, logKey: StrictBase64.encode(key.spkiDER), treeSize: old.treeSize,
                                 rootHash: old.rootHash.hex, checkpoint: note)
        let outcome = try await LogMonitor(client: client, logKey: key, rekorV2Origin: origin).step(from: saved)
        guard case .consistent(_, let new) = outcome else {
            throw CLIError("the latest checkpoint is NOT consistent with the saved one: \(outcome)")
        }
        let report = Report(oldSize: old.treeSize, newSize: new.treeSize, oldRoot: old.rootHash.hex, newRoot: new.rootHash, hashes: [])
        if options.json { return try Output.json(report) }
        print("Tree size \(new.treeSize) (root \(new.rootHash)) is consistent with the saved tree size \(old.treeSize) (root \(old.rootHash.hex))")
        print("Proof made from the log's tiles; both checkpoints' signatures verified")
    }
}
