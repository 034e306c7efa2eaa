import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil log monitor`: remember the last verified checkpoint and prove every new one consistent with it.
struct LogMonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Verify that the log only ever grows: each new checkpoint must be consistent with the last one seen.",
        discussion: """
            The first run pins the log key and checkpoint in --state; later runs prove consistency.
            Exits non-zero naming both checkpoints on a fork or rollback.
            Example: sigil log monitor --state monitor.json --interval 30 --count 10
            A Rekor v2 log (checkpoint and tiles only; proofs are made from its tiles):
              sigil log monitor --trust-config .sigil/trust_config.json --log-url http://127.0.0.1:3000/rekor-v2
            """)

    @OptionGroup var options: LogOptions
    @Option(help: "File holding the last verified checkpoint.") var state: String = "sigil-monitor.json"
    @Option(help: "Seconds between checks when --count > 1.") var interval: Double = 10
    @Option(help: "How many checks to make (0 = forever).") var count: Int = 1

    func validate() throws {
        guard interval.isFinite, interval >= 0, interval <= 7 * 86_400 else {
            throw ValidationError("--interval must be a number of seconds from 0 to 604800 (a week)")
        }
        guard count >= 0 else { throw ValidationError("--count must be 0 (check forever) or a positive number") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: state, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--state \(state) is a directory; name the state file")
        }
    }

    func run() async throws {
        var previous = try loadState()
        let key: VerificationKey
        if let previous {
            guard let der = StrictBase64.decode(previous.logKey) else { throw CLIError("\(state): logKey is not base64") }
            key = try VerificationKey(spkiDER: der)
            if options.pinsKey {
                let given = try await options.verificationKey()
                guard given == key else {
                    throw MonitorError.keyChanged(pinned: previous.logKey, given: StrictBase64.encode(given.spkiDER))
                }
            }
        } else {
            key = try await options.verificationKey()
        }
        let monitor = LogMonitor(client: try await options.client, logKey: key, rekorV2Origin: try await options.rekorV2Origin)
        var round = 0
        while count == 0 || round < count {
            if round > 0 { try await Task.sleep(for: .seconds(interval)) }
            round += 1
            let outcome = try await monitor.step(from: previous)
            switch outcome {
            case .firstCheckpoint(let current):
                report(["event": "first-checkpoint", "treeSize": "\(current.treeSize)", "rootHash": current.rootHash],
                       text: "Pinned log key and first checkpoint: size \(current.treeSize), root \(current.rootHash)")
                previous = current
            case .consistent(let old, let new):
                report(["event": "consistent", "oldSize": "\(old.treeSize)", "newSize": "\(new.treeSize)", "rootHash": new.rootHash],
                       text: "Consistent: size \(old.treeSize) → \(new.treeSize), root \(new.rootHash)")
                previous = new
            }
            try saveState(previous!)
        }
    }

    func report(_ fields: [String: String], text: String) {
        if options.json { try? Output.json(fields) } else { print(text) }
    }

    func loadState() throws -> MonitorState? {
        guard let data = FileManager.default.contents(atPath: state) else { return nil }
        do {
            return try JSONDecoder().decode(MonitorState.self, from: data)
        } catch {
            throw CLIError("\(state) is not a monitor state file: \(error)")
        }
    }

    func saveState(_ value: MonitorState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(value)), to: state, permissions: 0o644, namedByUser: true)
    }
}
