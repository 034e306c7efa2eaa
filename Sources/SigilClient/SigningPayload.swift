import Crypto
import SigstoreKit
import WireFormat

/// What a signer signs, and how it is logged (DESIGN.md §1): an artifact digest as a message
/// signature (`hashedrekord` 0.0.1), or an in-toto statement in a DSSE envelope (`dsse` 0.0.1,
/// payload type `application/vnd.in-toto+json`), whose signature is over the envelope's PAE.
public enum SigningPayload: Sendable {
    case digest(ArtifactDigest)
    case statement(InTotoStatement)

    /// What the signature covers, the entry proposed to the log, and the bundle content, for a
    /// signature made by `key` whose verifier (certificate or public key PEM) is `verifierPEM`.
    func signed(with key: P256.Signing.PrivateKey, verifierPEM: String) throws(SigningError) -> (proposed: [UInt8], content: BundleContent) {
        switch self {
        case .digest(let digest):
            let signature = try Self.signature { try key.signature(for: digest.digest) }
            return (ProposedEntries.hashedRekord(signature: signature, publicKeyPEM: verifierPEM, digest: digest.bytes),
                    .messageSignature(digest: (.sha256, digest.bytes), signature: signature))
        case .statement(let statement):
            let payload = statement.encoded
            let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: InTotoStatement.payloadType, payload: payload)
            let signature = try Self.signature { try key.signature(for: pae) }
            let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: payload,
                                        signatures: [.init(signature: signature)])
            return (DSSEV001.proposedEntry(envelope: envelope, verifierPEMs: [verifierPEM]), .dsseEnvelope(envelope))
        }
    }

    /// The artifact a verifier checks the new bundle against: the digest, or the statement's
    /// first SHA-256 subject.
    var artifact: VerificationPolicy.Artifact {
        get throws(SigningError) {
            switch self {
            case .digest(let digest):
                return .digest(algorithm: .sha256, bytes: digest.bytes)
            case .statement(let statement):
                guard let hex = statement.subjects.lazy.compactMap({ $0.digest["sha256"] }).first,
                      let bytes = LowercaseHex.decode(hex), bytes.count == 32 else {
                    throw SigningError(.artifact, "the statement has no subject with a sha256 digest")
                }
                return .digest(algorithm: .sha256, bytes: bytes)
            }
        }
    }

    private static func signature(_ sign: () throws -> P256.Signing.ECDSASignature) throws(SigningError) -> [UInt8] {
        do { return Array(try sign().derRepresentation) } catch { throw SigningError(.signature, "\(error)") }
    }
}
