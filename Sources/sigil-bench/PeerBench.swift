import ArgumentParser
import Foundation

/// Sigil against pymerkle 7.0.0 (SQLite-backed, RFC 6962 hashing) under the same workloads, in one run,
/// so machine noise hits both alike. Reports the ratios.
struct PeerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peer",
        abstract: "Run the storage and proof workloads on Sigil and on pymerkle 7.0.0 and report the ratios.",
        discussion: "Needs `pip install pymerkle==7.0.0`. Example: sigil-bench log peer --entries 100000")

    @Option(help: "Entries appended in the storage workload.") var entries: Int = 200_000
    @Option(help: "Entries per durable batch.") var batch: Int = 10_000
    @Option(help: "Comma-separated tree sizes for proofs.") var sizes: String = "10000,100000,1000000"
    @Option(help: "Proofs timed per size and kind.") var samples: Int = 2_000

    func run() async throws {
        let treeSizes = sizes.split(separator: ",").compactMap { Int64($0) }.sorted()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../bench/pymerkle_peer.py").standardizedFileURL.path
        print("running pymerkle peer…")
        let peerOutput = try Subprocess.capture("python3", [script, "--entries", String(entries), "--batch", String(batch),
                                                            "--sizes", sizes, "--samples", String(samples)])
        guard let peer = try JSONSerialization.jsonObject(with: Data(peerOutput.utf8)) as? [String: Any],
              let peerAppend = peer["append_entries_per_s"] as? Double,
              let peerProofs = peer["proofs"] as? [[String: Any]] else {
            throw ValidationError("could not read the peer's result: \(peerOutput)")
        }
        print("running Sigil…")
        let storage = try await StorageBench.measure(entries: entries, batch: batch, entryBytes: 1024, searchKeys: 0)
        let sigilAppend = Double(entries) / storage.total
        let proofs = try await ProofBench.measure(sizes: treeSizes, samples: samples, coldSamples: 200)

        print("")
        print(["workload".padding(36), "sigil".padding(14), "pymerkle".padding(14), "ratio"].joined())
        print(["append 1 KiB, batches of \(batch)".padding(36), String(format: "%.0f/s", sigilAppend).padding(14),
               String(format: "%.0f/s", peerAppend).padding(14), String(format: "%.1f×", sigilAppend / peerAppend)].joined())
        for result in proofs {
            guard let match = peerProofs.first(where: { ($0["size"] as? Int).map(Int64.init) == result.size && $0["kind"] as? String == result.kind }),
                  let p50 = match["p50"] as? Double, let p99 = match["p99"] as? Double else { continue }
            for (label, ours, theirs) in [("p50", result.warm.percentile(50), p50), ("p99", result.warm.percentile(99), p99)] {
                print(["\(result.kind) \(label) @ \(result.size)".padding(36), micros(ours).padding(14), micros(theirs).padding(14),
                       String(format: "%.0f×", theirs / ours)].joined())
            }
        }
    }
}
