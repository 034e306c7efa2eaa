import ArgumentParser
import Merkle
import SigstoreKit

/// `sigil log consistency`: prove that a later tree extends an earlier one.
struct LogConsistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency",
        abstract: "Prove that the tree of size --to extends the tree of size --from (both signed checkpoints).",
        discussion: "Example: sigil log consistency --from 5 --to 12")

    @OptionGroup var options: LogOptions
    @Option(help: "The earlier tree size.") var from: Int64
    @Option(help: "The later tree size (default: the latest).") var to: Int64?

    struct Report: Encodable {
        let oldSize: Int64
        let newSize: Int64
        let oldRoot: String
        let newRoot: String
        let hashes: [String]
    }

    func run() async throws {
        guard from >= 1 else { throw ValidationError("--from must be at least 1") }
        if try options.rekorV2Origin != nil {
            throw CLIError("a Rekor v2 log publishes only its latest checkpoint, so there is no signed checkpoint for --from; "
                           + "use `sigil log monitor`, which proves each new checkpoint consistent with the last one it verified")
        }
        let key = try await options.verificationKey()
        let client = try options.client
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
}
