import Foundation
import Testing
@testable import SigstoreKit
import X509

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
    /// Overwrites bytes all over a real bundle. Every mutation that changes something signed or
    /// proven (the signature, the signing certificate, or any field of a log entry: body, index,
    /// integrated time, log ID, inclusion proof, checkpoint, promise) must be rejected, each one,
    /// not a share of them. Mutations elsewhere (inside the TSA's embedded certificates, which the
    /// trusted root supersedes) may verify. None may crash or hang.
    @Test(arguments: ["rekor2-happy-path", "happy-path-v0.3"])
    func everyMutationOfSignedOrProvenBytesIsRejected(_ name: String) async throws {
        let bytes = try ConformanceFixtures.bytes("assets/bundle-verify/\(name)/bundle.sigstore.json")
        let root = try TrustedRoot(parsing: ConformanceFixtures.bytes(Self.trustedRoot(name)))
        let policy = try VerificationPolicy(artifact: .bytes(try ConformanceFixtures.bytes("assets/bundle-verify/a.txt")),
                                            signer: .unsafeAnyCertificateIdentity)
        let verifier = BundleVerifier(trustedRoot: root)
        let original = Proven(try SigstoreBundle(parsing: bytes))
        _ = try await verifier.verify(try SigstoreBundle(parsing: bytes), policy: policy)   // the control
        var provenMutations = 0
        for position in stride(from: 0, to: bytes.count, by: 7) {
            var mangled = bytes
            mangled[position] = mangled[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            guard let bundle = try? SigstoreBundle(parsing: mangled), Proven(bundle) != original else { continue }
            provenMutations += 1
            let verified = (try? await verifier.verify(bundle, policy: policy)) != nil
            #expect(!verified, "byte \(position) of \(name) changed signed or proven content, and the bundle still verified")
        }
        #expect(provenMutations > 50, "the mutations reached signed content")
    }

    /// Cases whose trusted root is their own file; the others use the suite's production root.
    static func trustedRoot(_ name: String) -> String {
        name.hasPrefix("rekor2") ? "assets/bundle-verify/\(name)/trusted_root.json" : "assets/production_trusted_root.json"
    }

    /// What a bundle's signatures and proofs cover.
    struct Proven: Equatable {
        let signature: [UInt8]
        let envelope: DSSEEnvelope?
        let leaf: Certificate?
        let entries: [BundleLogEntry]

        init(_ bundle: SigstoreBundle) {
            signature = bundle.content.signatureBytes
            if case .dsseEnvelope(let dsse) = bundle.content { envelope = dsse } else { envelope = nil }
            leaf = bundle.verificationMaterial.signer.leafCertificate
            entries = bundle.verificationMaterial.tlogEntries.map { entry in
                var entry = entry
                let checkpoint = entry.inclusionProof?.checkpoint.map(Self.withoutSignerNames)
                entry.inclusionProof?.checkpoint = checkpoint
                return entry
            }
        }

        /// A checkpoint's signed text and signatures, without the names on its signature lines:
        /// Rekor v1 lines are matched by key hint alone and their name is signed by nothing (as in
        /// Rekor's and sigstore-go's checks), so changing it proves nothing false.
        static func withoutSignerNames(_ note: String) -> String {
            note.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("\u{2014} ") ? String(line.split(separator: " ").last ?? "") : String(line)
            }.joined(separator: "\n")
        }
    }
}
