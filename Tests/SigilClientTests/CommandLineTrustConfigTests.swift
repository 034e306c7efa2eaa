import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing

/// What a newcomer runs into first with the CLI: `sigil log` reading the trust config,
/// `verify-blob` finding the bundle `sign-blob` wrote, and a server that is down named plainly.
extension CommandLineTests {
    /// Signs `payload` with a fresh managed key into the log behind `trust`; returns the public key file.
    private func signWithKey(_ artifact: String, trust: String, directory: TemporaryDirectory) async throws -> String {
        let prefix = directory.path("release")
        #expect(try await sigil(["generate-key-pair", "--output-key-prefix", prefix], password: "pw").status == 0)
        try "payload".write(toFile: artifact, atomically: true, encoding: .utf8)
        let signed = try await sigil(["sign-blob", artifact, "--key", prefix + ".key", "--trust-config", trust], password: "pw")
        #expect(signed.status == 0, "\(signed.output)")
        return prefix + ".pub"
    }

    @Test func logCommandsTakeTheLogAndItsKeyFromTheTrustConfig() async throws {
        let directory = TemporaryDirectory()
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let fulcio = TestFulcio()
        let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt")
        try writeTrustConfig(trust, log: log, fulcio: fulcio, caURL: "http://127.0.0.1:1")
        _ = try await signWithKey(artifact, trust: trust, directory: directory)

        // No --log-url (the test log is not on :3000) and no --log-key: both come from the trust config.
        let info = try await sigil(["log", "info", "--trust-config", trust])
        #expect(info.status == 0, "\(info.output)")
        #expect(info.output.contains("Tree size:  1"), "\(info.output)")
        #expect(!info.output.contains("warning"), "the key was pinned by the trust config: \(info.output)")
        let search = try await sigil(["log", "search", "--artifact", artifact, "--trust-config", trust])
        #expect(search.status == 0, "\(search.output)")

        // The key is the trust config's, not the one the log serves: another key fails verification.
        let otherKey = SigningKey.generateP256().verificationKey
        let impostor = TransparencyLogInstance(baseURL: log.server.url, key: otherKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                               validFor: TimeRange(start: Date().addingTimeInterval(-3600)))
        let otherTrust = directory.path("other_root.json")
        try Data(TrustedRoot(tlogs: [impostor], certificateAuthorities: [fulcio.authority], ctlogs: [fulcio.ctLog]).encoded())
            .write(to: URL(fileURLWithPath: otherTrust))
        let refused = try await sigil(["log", "info", "--trust-config", otherTrust])
        #expect(refused.status != 0, "\(refused.output)")

        let both = try await sigil(["log", "info", "--trust-config", trust, "--log-key", directory.path("release.pub")])
        #expect(both.status != 0 && both.output.contains("not both"), "\(both.output)")
    }

    @Test func verifyBlobDefaultsToTheBundleSignBlobWrites() async throws {
        let directory = TemporaryDirectory()
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt")
        try writeTrustConfig(trust, log: log, fulcio: TestFulcio(), caURL: "http://127.0.0.1:1")
        let publicKey = try await signWithKey(artifact, trust: trust, directory: directory)

        let verified = try await sigil(["verify-blob", artifact, "--key", publicKey, "--trust-config", trust])
        #expect(verified.status == 0, "\(verified.output)")
        let other = directory.path("unsigned.txt")
        try "other".write(toFile: other, atomically: true, encoding: .utf8)
        let missing = try await sigil(["verify-blob", other, "--key", publicKey, "--trust-config", trust])
        #expect(missing.status != 0)
        #expect(missing.output.contains(other + ".sigstore.json"), "the default bundle is named: \(missing.output)")
    }

    @Test func aServerThatIsDownIsNamedPlainly() async throws {
        let url = "http://127.0.0.1:\(try FreePort.find())"
        let result = try await sigil(["log", "info", "--log-url", url])
        #expect(result.status != 0)
        #expect(result.output.contains("could not connect to \(url): connection refused"), "\(result.output)")
        #expect(!result.output.contains("errno"), "\(result.output)")
    }
}
