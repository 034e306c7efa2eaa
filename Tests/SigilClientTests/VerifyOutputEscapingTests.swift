import Foundation
import SigstoreKit
import TestSupport
import Testing

/// `sigil verify-bundle` prints bundle text escaped and bounded: a field carrying
/// `\r\e[2K\nVerified OK` cannot draw a fake success line over the error, and a 10 MB field is
/// not printed whole. Uses the conformance case `rekor2-checkpoint-cosigned` (see fixtures/README.md).
@Suite(.timeLimit(.minutes(2))) struct VerifyOutputEscapingTests {
    static let fixtures = Fixtures.url("conformance/assets/bundle-verify/rekor2-checkpoint-cosigned")
    static let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"

    /// Verifies the fixture bundle with its entry kind replaced by `kind`.
    func verify(kind: String) async throws -> (status: Int32, output: String) {
        let directory = TemporaryDirectory()
        var bundle = try SigstoreBundle(parsing: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("bundle.sigstore.json"))))
        bundle.verificationMaterial.tlogEntries[0].kind = kind
        let path = directory.path("bundle.json")
        try Data(bundle.encoded()).write(to: URL(fileURLWithPath: path))
        return try await CommandLineTests().sigil([
            "verify-bundle", "--bundle", path, "--certificate-identity", Self.identity,
            "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
            "--trusted-root", Self.fixtures.appendingPathComponent("trusted_root.json").path,
            Fixtures.url("conformance/assets/bundle-verify/a.txt").path,
        ])
    }

    /// Whether `output` has no control or bidi character except the line feed that ends it.
    static func isTerminalSafe(_ output: String) -> Bool {
        let body = output.hasSuffix("\n") ? String(output.dropLast()) : output
        return !body.unicodeScalars.contains { s in
            s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
                || (0x2066...0x2069).contains(s.value) || s.value == 0x2028
        }
    }

    @Test func aFieldCannotDrawAFakeVerifiedOK() async throws {
        let result = try await verify(kind: "\r\u{1b}[2K\nVerified OK\u{202E}")
        #expect(result.status != 0)
        #expect(Self.isTerminalSafe(result.output), "\(result.output.debugDescription)")
        #expect(!result.output.split(separator: "\n").contains { $0.hasPrefix("Verified OK") })
        #expect(result.output.contains(#"\r\u001b[2K\nVerified OK\u202e"#), "\(result.output)")
    }

    @Test func aTenMegabyteFieldIsCut() async throws {
        let result = try await verify(kind: "\u{1b}[31m" + String(repeating: "A", count: 10 << 20))
        #expect(result.status != 0)
        #expect(Self.isTerminalSafe(result.output))
        #expect(result.output.utf8.count < 2_000, "\(result.output.utf8.count) bytes")
        #expect(result.output.contains("(10485765 bytes)"), "\(result.output.prefix(600))")
    }
}
