import ArgumentParser
import Foundation
import SigstoreKit

/// `sigil log get`: one entry, with its inclusion proof, checkpoint and SET verified.
struct LogGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Fetch an entry by index or UUID and verify its inclusion proof, checkpoint and SET.",
        discussion: "Example: sigil log get --index 0")

    @OptionGroup var options: LogOptions
    @Option(help: "Log index of the entry.") var index: Int64?
    @Option(help: "UUID (64 hex) or entry ID (80 hex) of the entry.") var uuid: String?

    struct Report: Encodable {
        let uuid: String
        let logIndex: Int64
        let integratedTime: Int64
        let treeSize: Int64
        let rootHash: String
        let body: String
    }

    func validate() throws {
        guard (index == nil) != (uuid == nil) else { throw ValidationError("give exactly one of --index or --uuid") }
        if let index, index < 0 { throw ValidationError("--index must not be negative") }
    }

    func run() async throws {
        let key = try await options.verificationKey()
        let (id, entry) = if let index { try await options.client.entry(index: index) } else { try await options.client.entry(uuid: uuid!) }
        let verified = try LogEntryVerification.verify(entry, entryID: id, logKey: key)
        if let index, verified.logIndex != index {
            throw CLIError("asked for index \(index) but the log answered index \(verified.logIndex)")
        }
        let report = Report(uuid: verified.leafHash.hex, logIndex: verified.logIndex, integratedTime: verified.integratedTime,
                            treeSize: verified.checkpoint.treeSize, rootHash: verified.checkpoint.rootHash.hex,
                            body: String(decoding: verified.body, as: UTF8.self))
        if options.json { return try Output.json(report) }
        print("UUID:             \(report.uuid)")
        print("Log index:        \(report.logIndex)")
        print("Integrated time:  \(report.integratedTime) (\(Date(timeIntervalSince1970: TimeInterval(report.integratedTime))))")
        print("Included in tree: size \(report.treeSize), root \(report.rootHash)")
        print("Verified: inclusion proof, checkpoint signature, signed entry timestamp")
        print("Body: \(report.body)")
    }
}
