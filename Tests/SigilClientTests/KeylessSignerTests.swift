import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing

/// Keyless signing against a fake Fulcio and a real in-process log. The certificate and its SCT
/// are checked before use; a CA that misbehaves stops signing before anything is logged.
@Suite(.timeLimit(.minutes(1))) struct KeylessSignerTests {
    struct Stack {
        let log: TestLog
        let fulcio: TestFulcio
        let ca: LiveServer
        var root: TrustedRoot {
            TrustedRoot(tlogs: [log.instance], certificateAuthorities: [fulcio.authority], ctlogs: [fulcio.ctLog])
        }
        var signer: KeylessSigner {
            KeylessSigner(trustedRoot: root, fulcio: FulcioClient(baseURL: ca.url), log: log.client)
        }

        func stop() async {
            await ca.stop()
            await log.stop()
        }
    }

    func stack(_ misbehave: TestFulcio.Misbehaviour = .none) async throws -> Stack {
        let log = try await TestLog()
        let fulcio = TestFulcio()
        return Stack(log: log, fulcio: fulcio, ca: try await LiveServer.start(fulcio.router(misbehave)))
    }

    /// Signs, then verifies offline with an exact identity policy, as `verify-blob` does.
    @Test func signThenVerifyIdentity() async throws {
        let s = try await stack()
        defer { Task { await s.stop() } }
        let artifact = Array("hello keyless".utf8)
        let result = try await s.signer.sign(ArtifactDigest(data: artifact), token: IdentityToken(s.fulcio.token()))
        #expect(result.identity?.subjectAlternativeNames == ["alice@example.com"])
        #expect(result.identity?.issuer == s.fulcio.issuerURL)
        guard case .certificate = result.bundle.verificationMaterial.signer else {
            Issue.record("a keyless v0.3 bundle must carry the leaf as verificationMaterial.certificate")
            return
        }
        let reread = try SigstoreBundle(parsing: BundleWriter.encode(result.bundle))
        let identity = try CertificateIdentity(subject: .exact("alice@example.com"), issuer: .exact(s.fulcio.issuerURL))
        let verified = try await BundleVerifier(trustedRoot: s.root)
            .verify(reread, policy: try VerificationPolicy(artifact: .bytes(artifact), signer: .certificate(identity)))
        #expect(verified.signer == .certificate(subject: "alice@example.com", issuer: s.fulcio.issuerURL))

        let wrongIssuer = try CertificateIdentity(subject: .exact("alice@example.com"), issuer: .exact("https://evil.example.com"))
        await #expect(throws: VerificationError(.identity, "OIDC issuer \"https://issuer.example.com\" does not match \"https://evil.example.com\"")) {
            try await BundleVerifier(trustedRoot: s.root)
                .verify(reread, policy: try VerificationPolicy(artifact: .bytes(artifact), signer: .certificate(wrongIssuer)))
        }
    }

    @Test(arguments: [TestFulcio.Misbehaviour.otherKey, .noSCT, .garbage, .serverError])
    func misbehavingCAStopsSigningBeforeTheLog(_ misbehave: TestFulcio.Misbehaviour) async throws {
        let s = try await stack(misbehave)
        defer { Task { await s.stop() } }
        let token = try IdentityToken(s.fulcio.token())
        do {
            _ = try await s.signer.sign(ArtifactDigest(data: [1]), token: token)
            Issue.record("signing succeeded against a CA that misbehaves (\(misbehave))")
        } catch {
            #expect(error.step == .certificate, "\(error)")
        }
        #expect(s.log.service.treeHead.treeSize == 0, "nothing may reach the log")
    }

    /// A chain from a CA the trusted root does not list is refused.
    @Test func untrustedCAIsRefused() async throws {
        let s = try await stack()
        defer { Task { await s.stop() } }
        let stranger = TestFulcio()
        let root = TrustedRoot(tlogs: [s.log.instance], certificateAuthorities: [stranger.authority], ctlogs: [s.fulcio.ctLog])
        let signer = KeylessSigner(trustedRoot: root, fulcio: FulcioClient(baseURL: s.ca.url), log: s.log.client)
        let token = try IdentityToken(s.fulcio.token())
        await #expect(throws: SigningError.self) { try await signer.sign(ArtifactDigest(data: [1]), token: token) }
    }

    @Test func expiredTokenIsRefusedBeforeAnyRequest() async throws {
        let s = try await stack()
        defer { Task { await s.stop() } }
        let token = try IdentityToken(s.fulcio.token(expiresIn: -3600))
        do {
            _ = try await s.signer.sign(ArtifactDigest(data: [1]), token: token)
            Issue.record("an expired token was used")
        } catch {
            #expect(error.step == .identityToken)
        }
    }
}
