import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing

/// The verifier compares identities as bytes: a certificate whose issuer or subject is a
/// canonically equivalent look-alike of the policy's (U+212A KELVIN SIGN for `K`, `e` + U+0301
/// for `é`, ...) is refused by the library, by `sigil verify-blob`'s identity flags and by a
/// deployment policy's identities.
@Suite(.timeLimit(.minutes(2))) struct LookAlikeVerificationTests {
    /// (look-alike, what it imitates), each pair equal under Swift's `String ==`.
    static let lookAlikes: [(String, String)] = [
        ("\u{212A}", "K"), ("\u{212B}", "\u{00C5}"), ("\u{2126}", "\u{03A9}"),
        ("\u{037E}", ";"), ("\u{1FEF}", "`"), ("e\u{0301}", "\u{00E9}"),
    ]

    struct Signed {
        let fulcio: TestFulcio
        let log: TestLog
        let bundle: SigstoreBundle
        let artifact: [UInt8]
        var root: TrustedRoot { TrustedRoot(tlogs: [log.instance], certificateAuthorities: [fulcio.authority], ctlogs: [fulcio.ctLog]) }

        func verify(subject: CertificateIdentity.Matcher, issuer: CertificateIdentity.Matcher) async throws {
            let identity = try CertificateIdentity(subject: subject, issuer: issuer)
            _ = try await BundleVerifier(trustedRoot: root)
                .verify(bundle, policy: try VerificationPolicy(artifact: .bytes(artifact), signer: .certificate(identity)))
        }
    }

    /// Signs with a certificate for `identity` from `issuerURL` (the test CA certifies whatever it is told).
    func signed(identity: String, issuerURL: String, _ body: (Signed) async throws -> Void) async throws {
        let log = try await TestLog()
        let fulcio = TestFulcio(issuerURL: issuerURL, identity: identity)
        let ca = try await LiveServer.start(fulcio.router())
        let artifact = Array("look-alikes".utf8)
        let root = TrustedRoot(tlogs: [log.instance], certificateAuthorities: [fulcio.authority], ctlogs: [fulcio.ctLog])
        let result = try await KeylessSigner(trustedRoot: root, fulcio: FulcioClient(baseURL: ca.url), log: log.client)
            .sign(ArtifactDigest(data: artifact), token: IdentityToken(fulcio.token()))
        do {
            try await body(Signed(fulcio: fulcio, log: log, bundle: result.bundle, artifact: artifact))
        } catch {
            await ca.stop(); await log.stop()
            throw error
        }
        await ca.stop(); await log.stop()
    }

    @Test func aLookAlikeIssuerOrSubjectDoesNotSatisfyThePolicy() async throws {
        for (lookAlike, original) in Self.lookAlikes {
            let realIssuer = "https://issuer.example.com/realms/\(original)elvin"
            let forgedIssuer = "https://issuer.example.com/realms/\(lookAlike)elvin"
            try await signed(identity: "\(lookAlike)ate", issuerURL: forgedIssuer) { s in
                // The control: the certificate's own bytes verify.
                try await s.verify(subject: .exact("\(lookAlike)ate"), issuer: .exact(forgedIssuer))
                await #expect(throws: VerificationError.self, "issuer imitating \(original)") {
                    try await s.verify(subject: .exact("\(lookAlike)ate"), issuer: .exact(realIssuer))
                }
                await #expect(throws: VerificationError.self, "subject imitating \(original)") {
                    try await s.verify(subject: .exact("\(original)ate"), issuer: .exact(forgedIssuer))
                }
                // Regular expressions match code points, as Go's regexp does.
                await #expect(throws: VerificationError.self, "issuer regexp imitating \(original)") {
                    try await s.verify(subject: .regularExpression("ate$"), issuer: .regularExpression("^https://issuer\\.example\\.com/realms/\(original)elvin$"))
                }
                await #expect(throws: VerificationError.self, "subject regexp imitating \(original)") {
                    try await s.verify(subject: .regularExpression("^\(original)ate$"), issuer: .exact(forgedIssuer))
                }
            }
        }
    }

    @Test func deploymentPolicyIdentitiesCompareBytes() async throws {
        let (lookAlike, original) = ("\u{212A}", "K")
        let forgedIssuer = "https://issuer.example.com/realms/\(lookAlike)elvin"
        try await signed(identity: "\(lookAlike)ate", issuerURL: forgedIssuer) { s in
            let text = #"{"identities": {"release": [{"issuer": "https://issuer.example.com/realms/\#(original)elvin", "subject": "\#(original)ate"}]}, "rules": [{"rule": "signed", "by": "release"}]}"#
            let policy = try DeploymentPolicy(parsing: Array(text.utf8), baseDirectory: "/")
            let signers = try #require(policy.identities["release"])
            for signer in signers {
                await #expect(throws: VerificationError.self) {
                    _ = try await BundleVerifier(trustedRoot: s.root)
                        .verify(s.bundle, policy: try VerificationPolicy(artifact: .bytes(s.artifact), signer: signer))
                }
            }
        }
    }

    @Test func verifyBlobIdentityFlagsCompareBytes() async throws {
        let forgedIssuer = "https://issuer.example.com/realms/\u{212A}elvin"
        try await signed(identity: "victim@example.com", issuerURL: forgedIssuer) { s in
            let directory = TemporaryDirectory()
            let trust = directory.path("trust_config.json"), artifact = directory.path("a.txt"), bundle = directory.path("a.txt.sigstore.json")
            let cli = CommandLineTests()
            try cli.writeTrustConfig(trust, log: s.log, fulcio: s.fulcio, caURL: "http://127.0.0.1:1")
            try Data(s.artifact).write(to: URL(fileURLWithPath: artifact))
            try Data(BundleWriter.encode(s.bundle)).write(to: URL(fileURLWithPath: bundle))

            let own = try await cli.sigil(["verify-blob", artifact, "--bundle", bundle, "--trust-config", trust,
                                           "--certificate-identity", "victim@example.com", "--certificate-oidc-issuer", forgedIssuer])
            #expect(own.status == 0, "the control: the certificate's own issuer verifies: \(own.output)")
            let forged = try await cli.sigil(["verify-blob", artifact, "--bundle", bundle, "--trust-config", trust,
                                              "--certificate-identity", "victim@example.com",
                                              "--certificate-oidc-issuer", "https://issuer.example.com/realms/Kelvin"])
            #expect(forged.status != 0)
            #expect(!forged.output.contains("Verified OK"), "\(forged.output)")
            #expect(forged.output.contains("issuer"), "\(forged.output)")
        }
    }
}
