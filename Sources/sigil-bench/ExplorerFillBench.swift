import ArgumentParser
import Foundation
import Merkle
import SigstoreKit
import TransparencyLog
import WireFormat

/// Grows the log of a `sigil-server init` data folder to a given size before the server starts, so
/// the explorer can be measured against a large log (bench/explorer.py). The filler entries are
/// hashedrekord bodies with distinct artifact digests spread over the last `hours` hours, indexed
/// under their digest, one of `identities` emails and one key; their signatures are not over their
/// digests (the log accepts only valid entries over HTTP; this writes the store directly), which
/// nothing the explorer measures depends on. Tree hashes and checkpoints are real.
struct ExplorerFillBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explorer-fill",
        abstract: "Append filler entries straight to a data folder's log database (for bench/explorer.py).")

    @Option(help: "The data folder made by `sigil-server init` (its log must be empty).") var data: String
    @Option(help: "Entries to append.") var entries: Int = 1_000_000
    @Option(help: "Entries per durable batch.") var batch: Int = 20_000
    @Option(help: "Integrated times spread over this many hours before now.") var hours: Int = 72
    @Option(help: "Distinct filler identities (filler-<n>@example.com).") var identities: Int = 1_000

    func run() async throws {
        let folder = URL(fileURLWithPath: data)
        let key = try SigningKey(pem: try String(contentsOf: folder.appendingPathComponent("keys/log-signing-key.pem"), encoding: .utf8))
        let name = try String(contentsOf: folder.appendingPathComponent("log-name"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let store = try SQLiteLogStore.open(path: folder.appendingPathComponent("log.sqlite").path)
        guard try await store.latestTreeHead().treeSize == 0 else { throw ValidationError("the log in \(data) is not empty") }
        let identity = store.identity()
        let signer = LogKeyNoteSigner(name: name, key: key)
        let fillerKey = SigningKey.generateP256()
        let keyPEM = fillerKey.verificationKey.pem
        let keyContent = StrictBase64.encode(Array(keyPEM.utf8))
        let fingerprint = LowercaseHex.encode(fillerKey.verificationKey.keyID)
        let signature = StrictBase64.encode(try fillerKey.sign(Array("filler".utf8)))
        let now = Int64(Date().timeIntervalSince1970)
        let span = Int64(hours) * 3600
        var tree = CompactRange()
        let start = ContinuousClock.now
        var appended = 0
        while appended < entries {
            let count = min(batch, entries - appended)
            var stored: [StoredEntry] = [], hashes: [[Hash]] = [], rows: [(key: String, index: Int64)] = []
            for _ in 0..<count {
                let index = tree.treeSize
                var seed = withUnsafeBytes(of: index.bigEndian) { Array($0) }
                seed += Array("sigil explorer filler".utf8)
                let digest = LowercaseHex.encode(RFC6962.leafHash(seed).bytes)
                let body = Array("{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"\(digest)\"}},\"signature\":{\"content\":\"\(signature)\",\"publicKey\":{\"content\":\"\(keyContent)\"}}}}".utf8)
                let leaf = RFC6962.leafHash(body)
                hashes.append(tree.append(leafHash: leaf))
                let time = now - span + span * index / Int64(entries)
                stored.append(StoredEntry(index: index, leafHash: leaf, body: body, integratedTime: time, kind: "hashedrekord"))
                rows.append((SearchKey.artifactHash("sha256:" + digest), index))
                rows.append((SearchKey.identity("filler-\(index % Int64(identities))@example.com"), index))
                rows.append((SearchKey.publicKey(fingerprint), index))
            }
            let checkpoint = Checkpoint(origin: identity.origin, treeSize: tree.treeSize, rootHash: tree.rootHash)
            let note = try SignedCheckpoint.sign(checkpoint, signers: [signer]).note.formatted
            try await store.append(AppendBatch(entries: stored, treeHashes: hashes, searchRows: rows, checkpoint: note,
                                               treeSize: tree.treeSize, rootHash: tree.rootHash))
            appended += count
        }
        try store.close()
        print("explorer-fill: \(entries) entries in \(String(format: "%.1f", elapsed(start))) s (\(rate(entries, elapsed(start))) entries/s)")
    }
}
