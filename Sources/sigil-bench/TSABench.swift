import ArgumentParser
import Foundation
import SigstoreKit
import WireFormat

/// Timestamps over HTTP: the real `sigil-server tsa` binary, loaded by wrk with many connections,
/// each request a distinct DER TimeStampReq (random SHA-256 digest, 8-byte nonce, certReq) as
/// sigstore-python sends them. One reply is checked against the TSA chain before the load.
struct TSABench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsa",
        abstract: "Load a local `sigil-server tsa` with distinct timestamp queries through wrk; report timestamps/s and latency.",
        discussion: """
            Needs `wrk` (apt-get install wrk). Uses the sigil-server binary next to this one.
            Example: swift run -c release sigil-bench tsa --duration 10 --connections 16
            """)

    @Option(help: "Seconds of load.") var duration: Int = 10
    @Option(help: "Concurrent connections.") var connections: Int = 16
    @Option(help: "wrk threads.") var threads: Int = 1
    @Option(help: "Distinct queries to prepare (they repeat once exhausted).") var queries: Int = 50_000
    @Option(help: "Port for the server under test.") var port: Int = 3957

    func run() async throws {
        let scratch = try ScratchFolder("tsa")
        defer { scratch.remove() }
        let binary = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("sigil-server").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ValidationError("no sigil-server at \(binary)") }
        let data = scratch.path("data")
        try Subprocess.run(binary, ["init", "--data", data])
        let prepared = try prepareQueries(to: scratch.path("queries.hex"))

        let server = try Subprocess.start(binary, ["tsa", "--data", data, "--port", String(port)])
        defer { server.terminate(); server.waitUntilExit() }
        try await checkOneReply(prepared, data: data)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../bench/wrk-post-timestamp-queries.lua").standardizedFileURL.path
        let output = try Subprocess.capture("wrk", ["-t", String(threads), "-c", String(connections), "-d", "\(duration)s",
                                                    "--latency", "-s", script, "http://127.0.0.1:\(port)"],
                                            environment: ["SIGIL_QUERIES": scratch.path("queries.hex"), "SIGIL_THREADS": String(threads)])
        let result = try WrkResult(output: output)
        print("timestamps over HTTP: \(connections) connections, \(threads) wrk thread(s), \(duration) s")
        print("  granted:    \(result.succeeded) (non-2xx: \(result.non2xx))")
        print("  throughput: \(rate(result.succeeded, result.seconds)) timestamps/s")
        print(String(format: "  latency:    p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", result.p50, result.p90, result.p99))
    }

    /// Writes `queries` hex-encoded DER requests, one per line; returns the first one and its digest.
    func prepareQueries(to path: String) throws -> TimeStampRequest {
        var out = Data()
        var first: TimeStampRequest?
        var generator = SystemRandomNumberGenerator()
        for index in 0..<queries {
            // The first digest is of a known "signature", so its reply can be verified fully.
            let digest = index == 0 ? HashAlgorithm.sha256.digest(Self.checkedSignature)
                                    : (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let nonce = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let request = try TimeStampRequest(hashAlgorithm: .sha256, hashedMessage: digest, nonce: nonce, certificateRequested: true)
            first = first ?? request
            out.append(contentsOf: Array(LowercaseHex.encode(request.derEncoded()).utf8))
            out.append(UInt8(ascii: "\n"))
        }
        try out.write(to: URL(fileURLWithPath: path))
        guard let first else { throw ValidationError("--queries must be at least 1") }
        return first
    }

    /// Posts one query with curl and verifies the reply against the trusted root `init` wrote.
    func checkOneReply(_ request: TimeStampRequest, data: String) async throws {
        let query = data + "/bench.tsq", reply = data + "/bench.tsr"
        try Data(request.derEncoded()).write(to: URL(fileURLWithPath: query))
        for _ in 0..<100 {
            if (try? Subprocess.capture("curl", ["-fs", "http://127.0.0.1:\(port)/healthz"]))?.isEmpty == false { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try Subprocess.capture("curl", ["-fs", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + query,
                                            "-o", reply, "http://127.0.0.1:\(port)/api/v1/timestamp"])
        let root = try TrustedRoot(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: data + "/trusted_root.json"))))
        let response = Array(try Data(contentsOf: URL(fileURLWithPath: reply)))
        let time = try await TimestampVerifier.verify(response: response, signature: Self.checkedSignature,
                                                      authorities: root.timestampAuthorities)
        guard try TimeStampToken(response: response).info.nonce == request.nonce else {
            throw ValidationError("the TSA's reply does not echo the nonce")
        }
        print("checked one reply against the trusted root: verified, nonce echoed, genTime \(RFC3339.format(time))")
    }

    static let checkedSignature = Array("sigil-bench tsa signature".utf8)
}
