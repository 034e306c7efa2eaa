import ArgumentParser
import Merkle
import SigstoreKit

/// `sigil log proof`: prove that the entry at an index is in the tree of a given size.
struct LogProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Prove an entry's inclusion in the tree of a given size, against that size's signed checkpoint.",
        discussion: "Example: sigil log proof --index 3 --tree-size 10")

    @OptionGroup var options: LogOptions
    @Option(help: "Log index of the entry.") var index: Int64
    @Option(help: "Tree size to prove against (default: the latest).") var treeSize: Int64?

    struct Report: Encodable {
        let logIndex: Int64
        let treeSize: Int64
        let leafHash: String
        let rootHash: String
        let hashes: [String]
    }

    func run() async throws {
        let key = try await options.verificationKey()
        let client = try await options.client
        let size: Int64
        if let treeSize { size = treeSize } else { size = try await client.logInfo().treeSize }
        let checkpointText = try await client.checkpoint(treeSize: size)
        let checkpoint = try LogEntryVerification.verifyCheckpoint(checkpointText, logKey: key)
        let (_, entry) = try await client.entry(index: index)
        guard let body = entry.bodyBytes else { throw CLIError("the entry body is not base64") }
        let leaf = RFC6962.leafHash(body)
        let (_, hashes) = try await client.inclusionProof(logIndex: index, treeSize: size)
        let proof = InclusionProof(leafIndex: index, treeSize: size, hashes: hashes)
        do {
            try proof.verify(leafHash: leaf, rootHash: checkpoint.rootHash)
        } catch {
            throw CLIError("inclusion proof of index \(index) in size \(size) does not verify: \(error)")
        }
        let report = Report(logIndex: index, treeSize: size, leafHash: leaf.hex, rootHash: checkpoint.rootHash.hex,
                            hashes: hashes.map(\.hex))
        if options.json { return try Output.json(report) }
        print("Entry \(index) (leaf \(leaf.hex)) is included in tree size \(size), root \(checkpoint.rootHash.hex)")
        print("Proof: \(hashes.count) hashes, verified against the signed checkpoint for size \(size)")
    }
}

extension RekorAPI.Entry {
    /// The decoded body, or nil if it is not base64.
    var bodyBytes: [UInt8]? { StrictBase64.decode(body) }
}

import Foundation
import WireFormat
