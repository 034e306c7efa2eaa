import ArgumentParser
import Foundation
import Merkle
import SigstoreKit
import TransparencyLog

/// Inclusion and consistency proof generation at several tree sizes, warm (hashes in memory) and cold
/// (a freshly opened log reading from SQLite, or with `--postgres-url` from PostgreSQL: the SQLite
/// log is then copied there as `sigil-server migrate sqlite-to-postgres` copies one).
struct ProofBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs",
        abstract: "Time inclusion and consistency proof generation at several tree sizes (p50/p99, warm and cold).")

    @Option(help: "Comma-separated tree sizes.") var sizes: String = "10000,100000,1000000"
    @Option(help: "Proofs timed per size and kind (warm).") var samples: Int = 20_000
    @Option(help: "Proofs timed per size and kind right after reopening the log (cold).") var coldSamples: Int = 500
    @Option(name: .customLong("postgres-url"), help: "Copy the log into this (empty) PostgreSQL database and time proofs read from it.")
    var postgresURL: String?
    @Option(help: "Measure the log of this `sigil-server init` data folder (e.g. grown by `explorer-fill`) instead of building one; sizes above its tree size are skipped.")
    var data: String?

    /// Timings of one proof kind at one tree size.
    struct Result {
        let size: Int64
        let kind: String
        let warm: Samples
        let cold: Samples
    }

    func run() async throws {
        let treeSizes = sizes.split(separator: ",").compactMap { Int64($0) }.sorted()
        var postgres: PostgresDatabase?
        if let postgresURL {
            postgres = try await PostgresDatabase.connect(url: try PostgresURL(parsing: postgresURL), poolSize: 4, timeout: .seconds(60))
        }
        let results: [Result]
        if let data {
            let folder = URL(fileURLWithPath: data)
            let key = try SigningKey(pem: try String(contentsOf: folder.appendingPathComponent("keys/log-signing-key.pem"), encoding: .utf8))
            let name = try String(contentsOf: folder.appendingPathComponent("log-name"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            results = try await Self.measure(existing: folder.appendingPathComponent("log.sqlite").path, key: key, name: name,
                                             sizes: treeSizes, samples: samples, coldSamples: coldSamples, postgres: postgres)
        } else {
            results = try await Self.measure(sizes: treeSizes, samples: samples, coldSamples: coldSamples, postgres: postgres)
        }
        print(["size", "kind", "warm p50", "warm p99", "cold p50", "cold p99"].map { $0.padding(12) }.joined())
        for result in results {
            let cells = ["\(result.size)", result.kind, micros(result.warm.percentile(50)), micros(result.warm.percentile(99)),
                         micros(result.cold.percentile(50)), micros(result.cold.percentile(99))]
            print(cells.map { $0.padding(12) }.joined())
        }
    }

    static func measure(sizes treeSizes: [Int64], samples: Int, coldSamples: Int, postgres: PostgresDatabase? = nil) async throws -> [Result] {
        guard let largest = treeSizes.last, largest > 1 else { throw ValidationError("give sizes > 1") }
        let scratch = try ScratchFolder("proofs")
        defer { scratch.remove() }
        let key = SigningKey.generateP256()
        let path = scratch.path("log.sqlite")
        let store = try LogService.createStore(path: path, signingKey: key, name: "bench")
        let buildStart = ContinuousClock.now
        try await fill(store, key: key, entries: largest)
        print("built a log of \(largest) entries in \(String(format: "%.1f", elapsed(buildStart))) s")
        // Closed, so that the measuring connections are the only ones (closing checkpoints the WAL).
        try store.close()
        return try await measure(existing: path, key: key, name: "bench", sizes: treeSizes, samples: samples, coldSamples: coldSamples,
                                 postgres: postgres)
    }

    /// Warm and cold proofs on the log database at `path`, signed by `key` under `name`.
    static func measure(existing path: String, key: SigningKey, name: String, sizes requested: [Int64], samples: Int,
                        coldSamples: Int, postgres: PostgresDatabase? = nil) async throws -> [Result] {
        let probe = try SQLiteLogStore.open(path: path)
        let available = try await probe.latestTreeHead().treeSize
        try probe.close()
        let treeSizes = requested.filter { $0 > 1 && $0 <= available }
        guard let largest = treeSizes.last else { throw ValidationError("no requested size fits the log's \(available) entries") }
        var configuration = LogConfiguration()
        configuration.name = name
        configuration.hashCacheCapacity = Int(StoredHashes.count(treeSize: largest))
        var open: () async throws -> any LogStore = { try SQLiteLogStore.open(path: path) }
        if let postgres {
            let copyStart = ContinuousClock.now
            let source = try SQLiteLogStore.open(path: path)
            let report = try await PostgresLogStore.importing(source, into: postgres, log: "bench", chunk: 20_000)
            try source.close()
            print("copied \(report.treeSize) entries into PostgreSQL and verified them in \(String(format: "%.1f", elapsed(copyStart))) s")
            open = {
                try await PostgresLogStore.open(database: postgres, log: "bench") { throw PostgresDatabase.Failure("the copied log is missing") }
            }
        }
        let warm = try await LogService(store: try await open(), signingKey: key, configuration: configuration)
        let preload = ContinuousClock.now
        try await warm.preloadHashCache()
        print("preloaded \(StoredHashes.count(treeSize: largest)) stored hashes in \(String(format: "%.2f", elapsed(preload))) s")
        var results: [Result] = []
        for size in treeSizes {
            let cold = try await LogService(store: try await open(), signingKey: key, configuration: configuration)
            for kind in ["inclusion", "consistency"] {
                let coldStats = try await measure(cold, kind: kind, size: size, count: coldSamples)
                let warmStats = try await measure(warm, kind: kind, size: size, count: samples)
                results.append(Result(size: size, kind: kind, warm: warmStats, cold: coldStats))
            }
        }
        return results
    }

    static func measure(_ service: LogService, kind: String, size: Int64, count: Int) async throws -> Samples {
        var samples = Samples()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<count {
            let start = ContinuousClock.now
            if kind == "inclusion" {
                _ = try await service.inclusionProof(leafIndex: Int64.random(in: 0..<size, using: &rng), treeSize: size)
            } else {
                _ = try await service.consistencyProof(firstSize: Int64.random(in: 1..<size, using: &rng), lastSize: size)
            }
            samples.add(ContinuousClock.now - start)
        }
        return samples
    }

    /// Appends small entries directly to the store, one checkpoint per batch.
    static func fill(_ store: SQLiteLogStore, key: SigningKey, entries: Int64) async throws {
        let identity = store.identity()
        let signer = LogKeyNoteSigner(name: "bench", key: key)
        var tree = CompactRange()
        while tree.treeSize < entries {
            let count = min(Int64(20_000), entries - tree.treeSize)
            var stored: [StoredEntry] = []
            var hashes: [[Hash]] = []
            for _ in 0..<count {
                let body = Array("entry \(tree.treeSize)".utf8)
                let leaf = RFC6962.leafHash(body)
                let index = tree.treeSize
                hashes.append(tree.append(leafHash: leaf))
                stored.append(StoredEntry(index: index, leafHash: leaf, body: body, integratedTime: 0, kind: "bench"))
            }
            let note = try SignedCheckpoint.sign(Checkpoint(origin: identity.origin, treeSize: tree.treeSize, rootHash: tree.rootHash),
                                                 signers: [signer]).note.formatted
            try await store.append(AppendBatch(entries: stored, treeHashes: hashes, searchRows: [], checkpoint: note,
                                               treeSize: tree.treeSize, rootHash: tree.rootHash))
        }
    }
}
