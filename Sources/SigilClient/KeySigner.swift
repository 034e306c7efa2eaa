import Crypto
import Foundation
import SigstoreKit
import WireFormat

/// Signing with a managed key, as cosign does with `--key` (issue 4 §4): the signature and the
/// PEM public key go into a hashedrekord (or dsse) entry, and the bundle names the key only by its hint
/// (`verificationMaterial.publicKey.hint`); verifiers supply the key themselves.
public struct KeySigner: Sendable {
    let key: P256.Signing.PrivateKey
    public let publicKey: VerificationKey
    public let trustedRoot: TrustedRoot
    public let log: LogClient

    /// `privateKeyInfo` is a DER PKCS#8 ECDSA P-256 key (what `EncryptedPrivateKey.decrypt` returns).
    public init(privateKeyInfo: [UInt8], trustedRoot: TrustedRoot, log: LogClient) throws(SigningError) {
        guard let curve = PrivateKeyCurve.namedCurve(privateKeyInfo), curve == PrivateKeyCurve.p256 else {
            throw SigningError(.key, "the private key is not an ECDSA P-256 key"
                + (PrivateKeyCurve.namedCurve(privateKeyInfo).map { " (it names the curve \($0))" } ?? ""))
        }
        do {
            key = try P256.Signing.PrivateKey(derRepresentation: privateKeyInfo)
            publicKey = try VerificationKey(spkiDER: key.publicKey.derRepresentation)
        } catch {
            throw SigningError(.key, "the private key is not an ECDSA P-256 key")
        }
        self.trustedRoot = trustedRoot
        self.log = log
    }

    /// The hint a key-signed bundle carries: base64 of SHA-256 over the DER SubjectPublicKeyInfo
    /// (the key ID Sigstore uses everywhere else).
    public static func hint(for key: VerificationKey) -> String { StrictBase64.encode(key.keyID) }

    /// Signs `digest` (a message signature, logged as hashedrekord).
    public func sign(_ digest: ArtifactDigest) async throws(SigningError) -> SigningResult {
        try await session.sign(.digest(digest))
    }

    /// The managed key as a signing session: the log entries carry its PEM public key.
    public var session: SigningSession {
        SigningSession(key: key, verifierPEM: publicKey.pem, bundleSigner: .publicKey(hint: Self.hint(for: publicKey)),
                       selfCheck: .publicKey(publicKey), identity: nil, trustedRoot: trustedRoot, log: log)
    }
}
