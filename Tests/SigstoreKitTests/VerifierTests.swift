import Foundation
import Testing
@testable import SigstoreKit

@Suite struct VerifierTests {
    static let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
    static let issuer = "https://token.actions.githubusercontent.com"

    static func happy() throws -> (SigstoreBundle, BundleVerifier, VerificationPolicy.Artifact) {
        let bundle = try SigstoreBundle(parsing: ConformanceFixtures.bytes("assets/bundle-verify/happy-path-v0.3/bundle.sigstore.json"))
        let artifact = VerificationPolicy.Artifact.bytes(try ConformanceFixtures.bytes("assets/bundle-verify/a.txt"))
        return (bundle, BundleVerifier(trustedRoot: try ConformanceFixtures.productionRoot()), artifact)
    }

    static func step(_ bundle: SigstoreBundle, _ verifier: BundleVerifier, _ policy: VerificationPolicy) async -> VerificationStep? {
        do { _ = try await verifier.verify(bundle, policy: policy); return nil } catch { return error.step }
    }

    @Test func invalidPoliciesAreUnrepresentable() {
        #expect(throws: VerificationPolicyError.self) {
            try CertificateIdentity(subject: .regularExpression("("), issuer: .exact(Self.issuer))
        }
        #expect(throws: VerificationPolicyError("minimumSigningTimes must be at least 1, not 0")) {
            try VerificationPolicy(artifact: .bytes([]), signer: .unsafeAnyCertificateIdentity, minimumSigningTimes: 0)
        }
        #expect(throws: VerificationPolicyError("a sha256 digest is 32 bytes, not 3")) {
            try VerificationPolicy(artifact: .digest(algorithm: .sha256, bytes: [1, 2, 3]), signer: .unsafeAnyCertificateIdentity)
        }
    }

    @Test func happyPathReportsIdentityAndLogIndex() async throws {
        let (bundle, verifier, artifact) = try Self.happy()
        let identity = try CertificateIdentity(subject: .exact(Self.identity), issuer: .exact(Self.issuer))
        let result = try await verifier.verify(bundle, policy: try VerificationPolicy(artifact: artifact, signer: .certificate(identity)))
        #expect(result.signer == .certificate(subject: Self.identity, issuer: Self.issuer))
        #expect(result.logEntries.first?.logIndex == bundle.verificationMaterial.tlogEntries[0].logIndex)
        #expect(result.signingTimes.count == 1)
    }

    @Test func regularExpressionsAndGitHubClaims() async throws {
        let (bundle, verifier, artifact) = try Self.happy()
        let good = try CertificateIdentity(
            subject: .regularExpression("^https://github\\.com/sigstore-conformance/"), issuer: .regularExpression("actions"),
            extensions: [.githubWorkflowRepository: "sigstore-conformance/extremely-dangerous-public-oidc-beacon"])
        #expect(await Self.step(bundle, verifier, try VerificationPolicy(artifact: artifact, signer: .certificate(good))) == nil)
        let wrongRepo = try CertificateIdentity(subject: .exact(Self.identity), issuer: .exact(Self.issuer),
                                                extensions: [.githubWorkflowRepository: "someone/else"])
        #expect(await Self.step(bundle, verifier, try VerificationPolicy(artifact: artifact, signer: .certificate(wrongRepo))) == .identity)
        let wrongIssuer = try CertificateIdentity(subject: .exact(Self.identity), issuer: .exact("https://accounts.google.com"))
        #expect(await Self.step(bundle, verifier, try VerificationPolicy(artifact: artifact, signer: .certificate(wrongIssuer))) == .identity)
    }

    @Test func keyPolicyRejectsCertificateBundles() async throws {
        let (bundle, verifier, artifact) = try Self.happy()
        let policy = try VerificationPolicy(artifact: artifact, signer: .publicKey(SigningKey.generateP256().verificationKey))
        #expect(await Self.step(bundle, verifier, policy) == .identity)
    }

    @Test func tamperingIsCaughtByTheRightStep() async throws {
        let (bundle, verifier, artifact) = try Self.happy()
        let policy = try VerificationPolicy(artifact: artifact, signer: .unsafeAnyCertificateIdentity)
        #expect(await Self.step(bundle, verifier, policy) == nil)

        var duplicated = bundle
        duplicated.verificationMaterial.tlogEntries.append(bundle.verificationMaterial.tlogEntries[0])
        #expect(await Self.step(duplicated, verifier, policy) == .bundleFormat)

        var badProof = bundle
        badProof.verificationMaterial.tlogEntries[0].inclusionProof?.hashes[0][0] ^= 1
        #expect(await Self.step(badProof, verifier, policy) == .inclusionProof)

        var noProof = bundle
        noProof.verificationMaterial.tlogEntries[0].inclusionProof = nil
        #expect(await Self.step(noProof, verifier, policy) == .inclusionProof)

        var badSET = bundle
        badSET.verificationMaterial.tlogEntries[0].inclusionPromise?[10] ^= 1
        #expect(await Self.step(badSET, verifier, policy) == .signedEntryTimestamp)

        var otherArtifact = try VerificationPolicy(artifact: .bytes(Array("other".utf8)), signer: .unsafeAnyCertificateIdentity)
        #expect(await Self.step(bundle, verifier, otherArtifact) == .signature)
        otherArtifact = try VerificationPolicy(artifact: .digest(algorithm: .sha256, bytes: Array(repeating: 0, count: 32)),
                                               signer: .unsafeAnyCertificateIdentity)
        #expect(await Self.step(bundle, verifier, otherArtifact) == .signature)

        let noCTRoot = BundleVerifier(trustedRoot: TrustedRoot(tlogs: verifier.trustedRoot.tlogs, certificateAuthorities: [],
                                                               ctlogs: verifier.trustedRoot.ctlogs))
        #expect(await Self.step(bundle, noCTRoot, policy) == .certificateChain)
    }
}

@Suite struct VerifierManglingTests {
    /// Overwrites bytes all over a real bundle: every result must be a typed rejection (or, when
    /// the change lands somewhere harmless, a success) — never a crash or a hang.
    @Test func mangledBundlesAreRejectedCleanly() async throws {
        let bytes = try ConformanceFixtures.bytes("assets/bundle-verify/rekor2-happy-path/bundle.sigstore.json")
        let root = try TrustedRoot(parsing: ConformanceFixtures.bytes("assets/bundle-verify/rekor2-happy-path/trusted_root.json"))
        let policy = try VerificationPolicy(artifact: .bytes(try ConformanceFixtures.bytes("assets/bundle-verify/a.txt")),
                                            signer: .unsafeAnyCertificateIdentity)
        let verifier = BundleVerifier(trustedRoot: root)
        var accepted = 0
        for position in stride(from: 0, to: bytes.count, by: 23) {
            var mangled = bytes
            mangled[position] = mangled[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            guard let bundle = try? SigstoreBundle(parsing: mangled) else { continue }
            do { _ = try await verifier.verify(bundle, policy: policy); accepted += 1 } catch {}
        }
        // Only edits to unsigned, unchecked bytes (e.g. inside the TSA's embedded certificates) may pass.
        #expect(accepted < bytes.count / 23 / 4)
    }
}
