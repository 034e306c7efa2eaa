import ArgumentParser
import Crypto
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// Appends over HTTP: the real `sigil-server log` binary, loaded by `wrk` with many connections, each
/// request a distinct signed hashedrekord entry the server must verify.
struct HTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Load a local `sigil-server log` with distinct signed entries through wrk; report entries/s and latency.",
        discussion: "Needs `wrk` (apt-get install wrk). Uses the sigil-server binary next to this one.")

    @Option(help: "Seconds of load.") var duration: Int = 10
    @Option(help: "Concurrent connections.") var connections: Int = 64
    @Option(help: "wrk threads.") var threads: Int = 1
    @Option(help: "Distinct entries to prepare (must exceed what the run can send).") var entries: Int = 120_000
    @Option(help: "Port for the server under test.") var port: Int = 3917
    @Flag(name: .customLong("rekor-v2"),
          help: "Post hashedrekord 0.0.2 requests to the Rekor v2 log (POST /rekor-v2/api/v2/log/entries) instead of v1 entries.")
    var rekorV2 = false
    @Option(name: .customLong("postgres-url"),
            help: "Run the log on PostgreSQL (storage postgres) at this postgres:// URL, an empty database or one made by an earlier run.")
    var postgresURL: String?
    @Option(help: "Log replicas on the PostgreSQL database (ports --port, --port+1, …), each loaded by its own wrk with its share of the connections.")
    var replicas: Int = 1

    func validate() throws {
        guard replicas >= 1 else { throw ValidationError("--replicas must be at least 1") }
        guard replicas == 1 || postgresURL != nil else { throw ValidationError("several --replicas need --postgres-url") }
    }

    func run() async throws {
        let scratch = try ScratchFolder("http")
        defer { scratch.remove() }
        let binary = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("sigil-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no sigil-server at \(binary)") }
        let data = scratch.path("data")
        try Subprocess.run(binary, ["init", "--data", data])
        let entriesFile = scratch.path("entries.jsonl")
        let prepareStart = ContinuousClock.now
        try prepareEntries(count: entries, to: entriesFile, rekorV2: rekorV2)
        print("prepared \(entries) signed entries in \(String(format: "%.1f", elapsed(prepareStart))) s")

        var environment: [String: String] = [:]
        if let postgresURL { environment = ["SIGIL_LOG_STORAGE": "postgres", "SIGIL_LOG_POSTGRES_URL": postgresURL] }
        var servers: [Process] = []
        defer { for server in servers { server.terminate(); server.waitUntilExit() } }
        for replica in 0..<replicas {
            // Replicas use copies of one data folder (the same keys), as deployed.
            let folder = replica == 0 ? data : scratch.path("data-\(replica)")
            if replica > 0 { try Subprocess.run("/bin/cp", ["-R", data, folder]) }
            servers.append(try Subprocess.start(binary, ["log", "--data", folder, "--port", String(port + replica)], environment: environment))
            try await waitForServer(LogClient(baseURL: "http://127.0.0.1:\(port + replica)"))
        }
        let client = LogClient(baseURL: "http://127.0.0.1:\(port)")
        let files = try split(entriesFile, into: replicas)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../bench/wrk-post-entries.lua").standardizedFileURL.path
        let (threads, duration, rekorV2, share) = (threads, duration, rekorV2, max(1, connections / replicas))
        let port = self.port
        let results = try await withThrowingTaskGroup(of: WrkResult.self) { group in
            for (replica, file) in files.enumerated() {
                group.addTask {
                    let output = try Subprocess.capture("wrk", ["-t", String(threads), "-c", String(share), "-d", "\(duration)s",
                                                                "--latency", "-s", script, "http://127.0.0.1:\(port + replica)"],
                                                        environment: ["SIGIL_ENTRIES": file, "SIGIL_THREADS": String(threads),
                                                                      "SIGIL_PATH": rekorV2 ? "/rekor-v2/api/v2/log/entries" : "/api/v1/log/entries"])
                    return try WrkResult(output: output)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Several replicas: throughput adds up; latency is the worst replica's percentile.
        let result = (succeeded: results.map(\.succeeded).reduce(0, +), non2xx: results.map(\.non2xx).reduce(0, +),
                      seconds: results.map(\.seconds).max() ?? 1, p50: results.map(\.p50).max() ?? 0,
                      p90: results.map(\.p90).max() ?? 0, p99: results.map(\.p99).max() ?? 0)
        let treeSize: Int64
        if rekorV2 {
            let note = String(decoding: try await LogClient(baseURL: client.baseURL + "/rekor-v2").tileResource("checkpoint"), as: UTF8.self)
            treeSize = try Checkpoint(parsing: String(try SignedNote(parsing: note).text)).treeSize
        } else {
            treeSize = try await client.logInfo().treeSize
        }
        let storage = postgresURL == nil ? "SQLite" : "PostgreSQL, \(replicas) replica\(replicas == 1 ? "" : "s")"
        print("HTTP appends\(rekorV2 ? " (Rekor v2, hashedrekord 0.0.2)" : "") on \(storage): \(connections) connections, \(duration) s")
        if results.count > 1 { print("  (latency: the worst replica's percentile)") }
        print("  acknowledged: \(result.succeeded) (non-2xx: \(result.non2xx)); tree size now \(treeSize)")
        print("  throughput:   \(rate(result.succeeded, result.seconds)) entries/s")
        print(String(format: "  latency:      p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", result.p50, result.p90, result.p99))
    }

    /// Distinct hashedrekord entries (0.0.1 proposals, or Rekor v2 0.0.2 requests with the public key
    /// as verifier), each signed by one of a few keys, one JSON document per line.
    func prepareEntries(count: Int, to path: String, rekorV2: Bool) throws {
        let keys = (0..<8).map { _ in P256.Signing.PrivateKey() }
        let pems = keys.map { $0.publicKey.pemRepresentation + "\n" }
        var out = Data()
        for i in 0..<count {
            let digest = SHA256.hash(data: Array("artifact \(i) \(UUID().uuidString)".utf8))
            let key = keys[i % keys.count]
            let signature = try key.signature(for: digest).derRepresentation
            if rekorV2 {
                let entry = try HashedRekordV002(digest: Array(digest), signature: Array(signature),
                                                 verifier: .publicKey(der: Array(key.publicKey.derRepresentation)), keyDetails: .ecdsaP256SHA256)
                out.append(contentsOf: CanonicalJSON.encode(entry.requestJSON))
                out.append(UInt8(ascii: "\n"))
                continue
            }
            out.append(contentsOf: ProposedEntries.hashedRekord(signature: Array(signature), publicKeyPEM: pems[i % keys.count],
                                                                digest: Array(digest)))
            out.append(UInt8(ascii: "\n"))
        }
        try out.write(to: URL(fileURLWithPath: path))
    }

    /// The entries file cut into `parts` files of disjoint lines (one per replica's wrk).
    func split(_ path: String, into parts: Int) throws -> [String] {
        guard parts > 1 else { return [path] }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        return try (0..<parts).map { part in
            let file = path + ".\(part)"
            let chosen = lines.enumerated().filter { $0.offset % parts == part }.map(\.element)
            try (chosen.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }
    }

    func waitForServer(_ client: LogClient) async throws {
        for _ in 0..<100 {
            if (try? await client.logInfo()) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the server did not start")
    }
}

/// Child processes for benchmarks.
enum Subprocess {
    static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = try start(executable, arguments)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(executable) \(arguments) failed") }
    }

    static func capture(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
