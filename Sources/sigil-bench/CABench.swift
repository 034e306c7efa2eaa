import ArgumentParser
import Crypto
import Foundation
import SigstoreKit
import WireFormat

/// Certificate issuance over HTTP: `sigil-server all` (CA + its CT log + the development issuer),
/// loaded by wrk; every request carries a fresh P-256 key and its proof of possession. In `all` the
/// CA hands precertificates to its CT log in process; `--ct-over-http` makes it post them to
/// `add-pre-chain` instead, as a CA running in its own process (docker-compose) does.
struct CABench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "Load a local `sigil-server all` with certificate requests (fresh key each) through wrk.",
        discussion: "Needs `wrk`. Uses the sigil-server binary next to this one and the ca/ folder of the repository.")

    @Option(help: "Seconds of load.") var duration: Int = 10
    @Option(help: "Concurrent connections.") var connections: Int = 32
    @Option(help: "Distinct requests to prepare.") var requests: Int = 40_000
    @Flag(help: "Submit precertificates to the CT log over HTTP, as a CA in its own process does.") var ctOverHTTP = false

    func run() async throws {
        let scratch = try ScratchFolder("ca")
        defer { scratch.remove() }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        let binary = Bundle.main.executableURL!.deletingLastPathComponent().appendingPathComponent("sigil-server").path
        // `localhost` rather than the log's own 127.0.0.1 URL, so `all` does not recognise its log.
        let server = try Subprocess.start(binary, ["all", "--data", scratch.path("data"),
                                                   "--ca-config", repository.appendingPathComponent("ca").path],
                                          environment: ctOverHTTP ? ["SIGIL_CA_CT_LOG_URL": "http://localhost:3000"] : [:])
        defer { server.terminate(); server.waitUntilExit() }
        let token = try await developmentToken(email: "bench@example.com")

        let prepareStart = ContinuousClock.now
        var out = Data()
        for _ in 0..<requests {
            let key = P256.Signing.PrivateKey()
            let proof = try key.signature(for: Array("bench@example.com".utf8)).derRepresentation
            let body: JSONValue = .object([
                "credentials": .object(["oidcIdentityToken": .string(token)]),
                "publicKeyRequest": .object([
                    "publicKey": .object(["algorithm": .string("ECDSA"), "content": .string(key.publicKey.pemRepresentation)]),
                    "proofOfPossession": .string(StrictBase64.encode(proof)),
                ]),
            ])
            out.append(contentsOf: CanonicalJSON.encode(body))
            out.append(UInt8(ascii: "\n"))
        }
        try out.write(to: URL(fileURLWithPath: scratch.path("requests.jsonl")))
        print("prepared \(requests) certificate requests in \(String(format: "%.1f", elapsed(prepareStart))) s")

        let script = repository.appendingPathComponent("bench/wrk-post-entries.lua").path
        let output = try Subprocess.capture("wrk", ["-t", "1", "-c", String(connections), "-d", "\(duration)s", "--latency",
                                                    "-s", script, "http://127.0.0.1:5555"],
                                            environment: ["SIGIL_ENTRIES": scratch.path("requests.jsonl"), "SIGIL_THREADS": "1",
                                                          "SIGIL_PATH": "/api/v2/signingCert"])
        let result = try WrkResult(output: output)
        print("certificate issuance: \(connections) connections, \(duration) s (CT submission included, \(ctOverHTTP ? "over HTTP" : "in process"))")
        print("  issued:     \(result.succeeded) (non-2xx: \(result.non2xx))")
        print("  throughput: \(rate(result.succeeded, result.seconds)) certificates/s")
        print(String(format: "  latency:    p50 %.2f ms, p99 %.2f ms", result.p50, result.p99))
    }

    /// A token from the development issuer's loopback token endpoint, once the stack answers.
    func developmentToken(email: String) async throws -> String {
        for _ in 0..<100 {
            let output = (try? Subprocess.capture("curl", ["-fs", "-X", "POST", "-d", "subject=\(email)&email=\(email)",
                                                           "http://127.0.0.1:5556/token"])) ?? ""
            if let json = try? JSONValue(parsing: Array(output.utf8)), let token = json["id_token"]?.stringValue,
               (try? Subprocess.capture("curl", ["-fs", "http://127.0.0.1:5555/healthz"]))?.isEmpty == false {
                return token
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the stack did not start")
    }
}
