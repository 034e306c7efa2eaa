import ArgumentParser
import Foundation
import SigstoreKit

/// Library-level batch verification: the same offline checks `verify-blob` makes, on many bundles
/// at once, without process start-up.
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a batch of bundles with the library verifier and report bundles/s.",
        discussion: """
            Example (a bundle made by `sigil sign-blob` against `sigil-server all`):
              sigil-bench verify --bundle a.txt.sigstore.json --artifact a.txt \\
                --trust-config .sigil/trust_config.json --identity alice@example.com --issuer http://127.0.0.1:5556
            """)

    @Option(help: "A bundle to verify.") var bundle: String
    @Option(help: "The artifact it signs.") var artifact: String
    @Option(help: "The ClientTrustConfig holding the trusted root.") var trustConfig: String
    @Option(help: "Expected SAN.") var identity: String
    @Option(help: "Expected OIDC issuer.") var issuer: String
    @Option(help: "Bundles to verify.") var count: Int = 10_000
    @Option(help: "Verifications in flight at once.") var parallelism: Int = 4

    func run() async throws {
        let bundleBytes = try Data(contentsOf: URL(fileURLWithPath: bundle))
        let artifactBytes = Array(try Data(contentsOf: URL(fileURLWithPath: artifact)))
        let trust = try ClientTrustConfig(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: trustConfig))))
        let verifier = BundleVerifier(trustedRoot: trust.trustedRoot)
        let policy = try VerificationPolicy(
            artifact: .bytes(artifactBytes),
            signer: .certificate(try CertificateIdentity(subject: .exact(identity), issuer: .exact(issuer))))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            func next() {
                started += 1
                group.addTask {
                    // Each bundle is parsed from its bytes, as a verifier handed many files would.
                    let parsed = try SigstoreBundle(parsing: Array(bundleBytes))
                    _ = try await verifier.verify(parsed, policy: policy)
                }
            }
            for _ in 0..<min(parallelism, count) { next() }
            while try await group.next() != nil {
                if started < count { next() }
            }
        }
        let seconds = elapsed(start)
        print("verified \(count) bundles in \(String(format: "%.2f", seconds)) s: \(rate(count, seconds)) bundles/s (\(parallelism) in flight)")
    }
}
