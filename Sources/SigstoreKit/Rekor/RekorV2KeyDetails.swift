import WireFormat

/// The `keyDetails` (protobuf-specs `PublicKeyDetails`) a Rekor v2 log accepts for `hashedrekord`
/// 0.0.2: rekor-tiles' default algorithm registry (`internal/algorithmregistry`), less
/// `PKIX_ED25519_PH`, which Sigil cannot verify (Ed25519ph over a digest). Each names the key type
/// and the hash the digest must have been made with.
public enum RekorV2KeyDetails: String, Sendable, CaseIterable {
    case ecdsaP256SHA256 = "PKIX_ECDSA_P256_SHA_256"
    case ecdsaP384SHA384 = "PKIX_ECDSA_P384_SHA_384"
    case ecdsaP521SHA512 = "PKIX_ECDSA_P521_SHA_512"
    case rsa2048SHA256 = "PKIX_RSA_PKCS1V15_2048_SHA256"
    case rsa3072SHA256 = "PKIX_RSA_PKCS1V15_3072_SHA256"
    case rsa4096SHA256 = "PKIX_RSA_PKCS1V15_4096_SHA256"

    /// The protobuf enum name, e.g. `PKIX_ECDSA_P256_SHA_256`.
    public var name: String { rawValue }

    /// Only the exact enum name (bytes, not canonical equivalence).
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.isExactly(name) }) else { return nil }
        self = match
    }

    /// The digest algorithm the signature was made over.
    public var hashAlgorithm: HashAlgorithm {
        switch self {
        case .ecdsaP384SHA384: .sha384
        case .ecdsaP521SHA512: .sha512
        default: .sha256
        }
    }

    /// The key type these details require.
    public var keyKind: VerificationKey.Kind {
        switch self {
        case .ecdsaP256SHA256: .ecdsaP256
        case .ecdsaP384SHA384: .ecdsaP384
        case .ecdsaP521SHA512: .ecdsaP521
        case .rsa2048SHA256: .rsa(bits: 2048)
        case .rsa3072SHA256: .rsa(bits: 3072)
        case .rsa4096SHA256: .rsa(bits: 4096)
        }
    }

    /// The details for a key, as clients choose them (the key's default hash).
    public init?(key: VerificationKey) {
        guard let match = Self.allCases.first(where: { $0.keyKind == key.kind }) else { return nil }
        self = match
    }
}
