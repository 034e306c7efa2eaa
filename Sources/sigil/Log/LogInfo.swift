import ArgumentParser
import SigstoreKit
import WireFormat

/// `sigil log info`: the latest signed checkpoint, verified.
struct LogInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the log's latest checkpoint after verifying its signature.",
        discussion: """
            Examples:
              sigil log info --trust-config .sigil/trust_config.json
              sigil log info --log-url http://127.0.0.1:3000 --log-key log-public-key.pem
            """)

    @OptionGroup var options: LogOptions

    struct Report: Encodable {
        let treeSize: Int64
        let rootHash: String
        let origin: String
        let treeID: String
        let checkpoint: String
    }

    func run() async throws {
        let key = try await options.verificationKey()
        if let origin = try await options.rekorV2Origin { return try await rekorV2Info(key: key, origin: origin) }
        let info = try await options.client.logInfo()
        let checkpoint = try LogEntryVerification.verifyCheckpoint(info.signedTreeHead, logKey: key)
        guard checkpoint.treeSize == info.treeSize, checkpoint.rootHash.hex.isExactly(info.rootHash.lowercased()) else {
            throw CLIError("the log's tree info (size \(info.treeSize), root \(info.rootHash)) disagrees with its own signed checkpoint")
        }
        let report = Report(treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.hex, origin: checkpoint.origin,
                            treeID: info.treeID, checkpoint: info.signedTreeHead)
        if options.json { return try Output.json(report) }
        print("Origin:     \(report.origin)")
        print("Tree size:  \(report.treeSize)")
        print("Root hash:  \(report.rootHash)")
        print("Tree ID:    \(report.treeID)")
        print("Checkpoint signature: verified")
    }

    /// A Rekor v2 log has no info API: its `checkpoint` file, verified under the C2SP key ID rule.
    private func rekorV2Info(key: VerificationKey, origin: String) async throws {
        let note = String(decoding: try await options.client.tileResource("checkpoint"), as: UTF8.self)
        let checkpoint = try LogEntryVerification.verifyRekorV2Checkpoint(note, logKey: key, origin: origin)
        let report = Report(treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash.hex, origin: checkpoint.origin,
                            treeID: "", checkpoint: note)
        if options.json { return try Output.json(report) }
        print("Origin:     \(report.origin)   (Rekor v2)")
        print("Tree size:  \(report.treeSize)")
        print("Root hash:  \(report.rootHash)")
        print("Checkpoint signature: verified")
    }
}
