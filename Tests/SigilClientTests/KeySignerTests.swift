import Crypto
import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// Key-based signing against a real in-process log: the bundle verifies offline with the public
/// key, and every kind of tampering is caught by the step it targets.
@Suite(.timeLimit(.minutes(1))) struct KeySignerTests {
    struct Signed {
        let bundle: SigstoreBundle
        let publicKey: VerificationKey
        let root: TrustedRoot
        let artifact: [UInt8]
    }

    /// Signs a fresh artifact after a few unrelated entries, so the inclusion proof has hashes.
    func sign(on log: TestLog) async throws -> Signed {
        for _ in 0..<3 { _ = try await log.client.add(proposedEntry: TestSigner().randomHashedRekord().entry) }
        let key = P256.Signing.PrivateKey()
        let root = TrustedRoot(tlogs: [log.instance], certificateAuthorities: [])
        let signer = try KeySigner(privateKeyInfo: Array(key.derRepresentation), trustedRoot: root, log: log.client)
        let artifact = Array("release \(UUID())".utf8)
        let result = try await signer.sign(ArtifactDigest(data: artifact))
        #expect(result.logIndex == 3)
        return Signed(bundle: result.bundle, publicKey: signer.publicKey, root: root, artifact: artifact)
    }

    func verify(_ bundle: SigstoreBundle, _ signed: Signed, artifact: [UInt8]? = nil) async throws -> VerificationResult {
        // Through JSON and back, as a verifier on another machine reads it.
        let reread = try SigstoreBundle(parsing: BundleWriter.encode(bundle))
        let policy = try VerificationPolicy(artifact: .bytes(artifact ?? signed.artifact), signer: .publicKey(signed.publicKey))
        return try await BundleVerifier(trustedRoot: signed.root).verify(reread, policy: policy)
    }

    func expectFailure(_ step: VerificationStep, _ bundle: SigstoreBundle, _ signed: Signed, artifact: [UInt8]? = nil) async {
        do {
            _ = try await verify(bundle, signed, artifact: artifact)
            Issue.record("a tampered bundle verified; expected a \(step) failure")
        } catch let error as VerificationError {
            #expect(error.step == step, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func signThenVerifyRoundTrip() async throws {
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let signed = try await sign(on: log)
        guard case .publicKey(let hint) = signed.bundle.verificationMaterial.signer else {
            Issue.record("a key-signed bundle must carry verificationMaterial.publicKey")
            return
        }
        #expect(hint == StrictBase64.encode(signed.publicKey.keyID))
        #expect(signed.bundle.mediaType == .v0_3)
        let result = try await verify(signed.bundle, signed)
        #expect(result.logEntries.first?.logIndex == 3)
        #expect(result.logEntries.first?.integratedTime != nil)
    }

    @Test func tamperedBundlesAreRejected() async throws {
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let signed = try await sign(on: log)
        await expectFailure(.signature, Tampering.flipSignature(signed.bundle), signed)
        await expectFailure(.signature, signed.bundle, signed, artifact: Array("another artifact".utf8))
        await expectFailure(.inclusionProof, Tampering.flipProofHash(signed.bundle), signed)
        await expectFailure(.signedEntryTimestamp, Tampering.flipSET(signed.bundle), signed)
        await expectFailure(.checkpoint, try Tampering.resignCheckpoint(signed.bundle, with: .generateP256()), signed)
        // The wrong key: the right bundle, but not signed by the key the verifier trusts.
        let other = try VerificationKey(spkiDER: P256.Signing.PrivateKey().publicKey.derRepresentation)
        let policy = try VerificationPolicy(artifact: .bytes(signed.artifact), signer: .publicKey(other))
        await #expect(throws: VerificationError.self) { try await BundleVerifier(trustedRoot: signed.root).verify(signed.bundle, policy: policy) }
    }

    /// A log the trusted root does not list is refused before any bundle exists.
    /// A key on another 256-bit curve is refused, not read as a P-256 key with the same scalar
    /// (which swift-crypto's parser would do, logging a public key that is not the user's).
    @Test func keysOnOtherCurvesAreRefused() async throws {
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let root = TrustedRoot(tlogs: [log.instance], certificateAuthorities: [])
        // Throwaway keys made with `openssl genpkey -algorithm EC` (PKCS#8 and SEC 1 forms).
        let secp256k1PKCS8 = "MIGEAgEAMBAGByqGSM49AgEGBSuBBAAKBG0wawIBAQQg0DE12tXdHgdC8d0v5WE7/z6PAjErT2RPLxIZLH09ZlKhRANCAARvboMbH0/ykw1dGegP/7hBdfPu9mddckfeii8vfMa6jrqeWjfvEYkeDLiqAQR0joGubrnBk3tpC9uoKTJHSd33"
        let secp256k1SEC1 = "MHQCAQEEIBd2QzbA9N1iBZUmHR+fGbdAQ6NN1ulHU3oITPsfPn4SoAcGBSuBBAAKoUQDQgAEAyPsCNxRjo+NHPOfAwUSl/Wz4AlPxzaCTio06WK7uJ0uoCdumpEbecZtfr/YzcqfxL/JzRx2IrVS+G8dbickAg=="
        let p256SEC1 = "MHcCAQEEIBcgIPRNp7br7ViPHgAmoZDMmLbRbgJ6wc2A8bVL+v1eoAoGCCqGSM49AwEHoUQDQgAEMMhuEkwLKfH0Cqdj7/KbeuL2Y0Hiu5kJSklAk+0t4w4X6aUPne+h6vfPoAsH0S/JnbpyJidrM76DRdUxVMcgPQ=="
        for (name, base64) in [("PKCS#8", secp256k1PKCS8), ("SEC 1", secp256k1SEC1)] {
            #expect(throws: SigningError.self, "\(name)") {
                try KeySigner(privateKeyInfo: StrictBase64.decode(base64)!, trustedRoot: root, log: log.client)
            }
        }
        _ = try KeySigner(privateKeyInfo: StrictBase64.decode(p256SEC1)!, trustedRoot: root, log: log.client)
        _ = try KeySigner(privateKeyInfo: Array(P256.Signing.PrivateKey().derRepresentation), trustedRoot: root, log: log.client)
    }

    @Test func untrustedLogIsRefused() async throws {
        let log = try await TestLog()
        defer { Task { await log.stop() } }
        let stranger = try await TestLog()
        defer { Task { await stranger.stop() } }
        let root = TrustedRoot(tlogs: [stranger.instance], certificateAuthorities: [])
        let signer = try KeySigner(privateKeyInfo: Array(P256.Signing.PrivateKey().derRepresentation), trustedRoot: root, log: log.client)
        await #expect(throws: SigningError.self) { try await signer.sign(ArtifactDigest(data: [1, 2, 3])) }
    }
}
