import ArgumentParser
import Foundation
import SigilClient

/// `sigil log audit`: rebuild the whole tree from the entries and compare with the signed checkpoint.
struct LogAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Download every entry, recompute the tree and compare its root with the log's signed checkpoint.",
        discussion: """
            Example: sigil log audit --log-key log-public-key.pem
            A Rekor v2 log: sigil log audit --trust-config .sigil/trust_config.json --log-url http://127.0.0.1:3000/rekor-v2
            """)

    @OptionGroup var options: LogOptions

    struct Report: Encodable {
        let treeSize: Int64
        let computedRoot: String
        let checkpointRoot: String
        let matches: Bool
    }

    func run() async throws {
        let key = try await options.verificationKey()
        let showProgress = !options.json
        let result = try await LogAuditor(client: try await options.client, logKey: key, rekorV2Origin: try await options.rekorV2Origin).audit { done, total in
            if showProgress {
                let percent = total == 0 ? 100 : Int(done * 100 / total)
                Output.progress("audited \(done)/\(total) entries (\(percent)%)", done: done == total)
            }
        }
        let report = Report(treeSize: result.treeSize, computedRoot: result.computedRoot.hex,
                            checkpointRoot: result.checkpointRoot.hex, matches: result.matches)
        if options.json { try Output.json(report) } else {
            print("Recomputed root of \(result.treeSize) entries: \(report.computedRoot)")
            print("Signed checkpoint root:                 \(report.checkpointRoot)")
        }
        guard result.matches else {
            throw CLIError("AUDIT FAILED: the entries do not reproduce the signed checkpoint's root")
        }
        if !options.json { print("Audit passed.") }
    }
}
