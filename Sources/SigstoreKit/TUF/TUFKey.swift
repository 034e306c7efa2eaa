import Crypto
import Foundation
import WireFormat

/// A public key as TUF metadata lists it: `{"keytype","scheme","keyval":{"public"}}`. Two schemes
/// are usable: `ecdsa-sha2-nistp256` (PEM public key, DER signature over SHA-256 of the message;
/// what Sigstore's root-signing uses) and `ed25519` (hex public key, raw signature). A key of any
/// other type, or whose type, scheme and value disagree, is kept but verifies nothing, so its
/// signatures never count towards a threshold.
public struct TUFKey: Sendable {
    public let keyType: String
    public let scheme: String
    /// The key object exactly as listed, for its key ID and for writing it back unchanged.
    public let json: JSONValue
    /// The key's DER SubjectPublicKeyInfo when usable: what identifies the key itself, whatever
    /// key ID a root files it under (a threshold counts keys, not IDs).
    public var spkiDER: [UInt8]? { key?.spkiDER }
    /// Why this key cannot verify, or nil when it can.
    public let unusableReason: String?
    private let key: VerificationKey?

    public init(json: JSONValue) throws(TUFError) {
        guard let keyType = json["keytype"]?.stringValue, let scheme = json["scheme"]?.stringValue,
              let publicValue = json["keyval"]?["public"]?.stringValue else {
            throw TUFError(.malformed, "a key lacks keytype, scheme or keyval.public")
        }
        self.keyType = keyType
        self.scheme = scheme
        self.json = json
        let ecdsa = (keyType.isExactly("ecdsa") || keyType.isExactly("ecdsa-sha2-nistp256")) && scheme.isExactly("ecdsa-sha2-nistp256")
        let ed25519 = keyType.isExactly("ed25519") && scheme.isExactly("ed25519")
        switch (ecdsa, ed25519) {
        case (true, _):
            if let parsed = try? VerificationKey(pem: publicValue), parsed.kind == .ecdsaP256 {
                (key, unusableReason) = (parsed, nil)
            } else {
                (key, unusableReason) = (nil, "its keyval.public is not a PEM ECDSA P-256 public key")
            }
        case (_, true):
            if let raw = LowercaseHex.decode(publicValue), raw.count == 32,
               let parsed = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
               let wrapped = try? VerificationKey(spkiDER: parsed.derRepresentation) {
                (key, unusableReason) = (wrapped, nil)
            } else {
                (key, unusableReason) = (nil, "its keyval.public is not 32 bytes of lowercase hex")
            }
        default:
            (key, unusableReason) = (nil, "key type \"\(keyType)\" with scheme \"\(scheme)\" is not supported")
        }
    }

    /// The key object for a P-256 key, as securesystemslib writes it.
    public init(ecdsaP256 key: VerificationKey) {
        precondition(key.kind == .ecdsaP256, "TUFKey(ecdsaP256:) needs a P-256 key")
        // Cannot fail: the object is built here from a key that parsed.
        try! self.init(json: ["keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": ["public": .string(key.pem)]])
    }

    /// The key ID the specification defines: hex SHA-256 of the key object's canonical JSON.
    public var keyID: String {
        // A key object holds only strings, so it always has a canonical form.
        LowercaseHex.encode(SHA256.hash(data: (try? OLPCCanonicalJSON.encode(json)) ?? []))
    }

    /// Whether `signature` is this key's signature over `message`.
    public func verifies(_ signature: [UInt8], over message: [UInt8]) -> Bool {
        guard let key else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
