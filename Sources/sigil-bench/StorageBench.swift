import ArgumentParser
import Crypto
import Foundation
import Merkle
import SigstoreKit
import TransparencyLog
import WireFormat

/// Storage-layer appends: tree hashing, checkpoint signing and one durable SQLite transaction per batch.
struct StorageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Append entries straight to the SQLite store in durable batches and report entries/s.")

    @Option(help: "Entries to append.") var entries: Int = 200_000
    @Option(help: "Entries per durable batch (one transaction, synchronous=FULL).") var batch: Int = 10_000
    @Option(help: "Size of each entry body in bytes.") var entryBytes: Int = 1024
    @Option(help: "Search-index rows written per entry (a hashedrekord writes 3).") var searchKeys: Int = 3

    func run() async throws {
        let result = try await Self.measure(entries: entries, batch: batch, entryBytes: entryBytes, searchKeys: searchKeys)
        print("storage append: \(entries) entries of \(entryBytes) B, batches of \(batch), \(searchKeys) search rows each")
        print("  throughput: \(rate(entries, result.total)) entries/s (\(String(format: "%.2f", result.total)) s total)")
        print("  batch commit p50: \(String(format: "%.1f ms", result.batchP50 * 1000)) → \(rate(batch, result.batchP50)) entries/s per batch (median)")
    }

    /// The `k`th search key of entry `index`, spelled as the log spells a hashedrekord's (`SearchKey`):
    /// its artifact digest and its signing key's fingerprint are new with every entry (keyless
    /// signing makes a key per signature), its identity is one of a thousand signers'.
    static func searchKey(_ k: Int, index: Int64, leaf: Hash) -> String {
        switch k {
        case 0: SearchKey.artifactHash("sha256:" + leaf.hex)
        case 1: SearchKey.identity("signer-\(index % 1000)@example.com")
        case 2: SearchKey.publicKey(LowercaseHex.encode(SHA256.hash(data: leaf.bytes)))
        default: "k\(k):\(index % 1000)"
        }
    }

    /// Total seconds, and the median seconds per batch.
    static func measure(entries: Int, batch: Int, entryBytes: Int, searchKeys: Int) async throws -> (total: Double, batchP50: Double) {
        let scratch = try ScratchFolder("storage")
        defer { scratch.remove() }
        let key = SigningKey.generateP256()
        let store = try LogService.createStore(path: scratch.path("log.sqlite"), signingKey: key, name: "bench")
        let identity = store.identity()
        let signer = LogKeyNoteSigner(name: "bench", key: key)
        var tree = CompactRange()
        var batchTimes = Samples()
        var filler = [UInt8](repeating: 0, count: entryBytes)
        for i in filler.indices { filler[i] = UInt8.random(in: 0...255) }
        let start = ContinuousClock.now
        var appended = 0
        while appended < entries {
            let count = min(batch, entries - appended)
            let batchStart = ContinuousClock.now
            var stored: [StoredEntry] = []
            var hashes: [[Hash]] = []
            var rows: [(key: String, index: Int64)] = []
            stored.reserveCapacity(count)
            for _ in 0..<count {
                var body = filler
                withUnsafeBytes(of: tree.treeSize.bigEndian) { body.replaceSubrange(0..<8, with: $0) }
                let leaf = RFC6962.leafHash(body)
                let index = tree.treeSize
                hashes.append(tree.append(leafHash: leaf))
                stored.append(StoredEntry(index: index, leafHash: leaf, body: body, integratedTime: 1_700_000_000, kind: "bench"))
                for k in 0..<searchKeys { rows.append((Self.searchKey(k, index: index, leaf: leaf), index)) }
            }
            let checkpoint = Checkpoint(origin: identity.origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
            let note = try SignedCheckpoint.sign(checkpoint, signers: [signer]).note.formatted
            try await store.append(AppendBatch(entries: stored, treeHashes: hashes, searchRows: rows, checkpoint: note,
                                               treeSize: tree.treeSize, rootHash: tree.rootHash))
            batchTimes.add(ContinuousClock.now - batchStart)
            appended += count
        }
        return (elapsed(start), batchTimes.percentile(50))
    }
}
