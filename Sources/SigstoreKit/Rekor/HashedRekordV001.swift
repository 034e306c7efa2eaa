import WireFormat

/// A `hashedrekord` v0.0.1 entry (sigstore/rekor pkg/types/hashedrekord/v0.0.1): a signature over
/// an artifact's digest, and the public key or certificate chain that made it.
///
/// Proposals and stored bodies have the same shape:
/// `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":…,"value":…}},
/// "signature":{"content":<base64 signature>,"publicKey":{"content":<base64 of PEM>}}}}`.
/// The canonical body echoes the signature's base64 as received (strict base64 has one form per
/// byte string), and stores the key as Rekor does: base64 of its canonical PEM
/// (`PublicKeyMaterial.canonicalPEM`), so text around the PEM, CRLF or a missing final newline
/// cannot make a second entry for the same key, signature and digest. Clients that send standard
/// PEM (sigstore-python, sigstore-go, Sigil) rebuild exactly this body.
public struct HashedRekordV001: Sendable, Equatable {
    public static let kind = "hashedrekord"
    public static let apiVersion = "0.0.1"

    /// `spec.data.hash.algorithm`.
    public let hashAlgorithm: HashAlgorithm
    /// `spec.data.hash.value`, decoded: the artifact digest the signature covers.
    public let digest: [UInt8]
    /// `spec.signature.content`, decoded (ECDSA: ASN.1 DER; RSA: PKCS #1 v1.5).
    public let signature: [UInt8]
    /// `spec.signature.content` as the client sent it.
    public let signatureContent: String
    /// `spec.signature.publicKey.content`, decoded.
    public let publicKey: PublicKeyMaterial
    /// `spec.signature.publicKey.content`: base64 of PEM text. For a proposal after
    /// `RekorEntry.canonicalize`, base64 of `publicKey.canonicalPEM`; for a stored body read
    /// back, exactly as stored (another log's entries are read, not rewritten).
    public let publicKeyContent: String

    /// Builds an entry from a client's own values, e.g. to make the proposal it uploads
    /// (`canonicalBody` is a valid proposal) or to rebuild the body a log should hold.
    public init(hashAlgorithm: HashAlgorithm, digest: [UInt8], signature: [UInt8], publicKeyPEM: String) throws(EntryError) {
        guard digest.count == hashAlgorithm.byteCount else {
            throw .malformed("a \(hashAlgorithm.rawValue) digest is \(hashAlgorithm.byteCount) bytes, not \(digest.count)")
        }
        guard !signature.isEmpty else { throw .malformed("the signature is empty") }
        self.hashAlgorithm = hashAlgorithm
        self.digest = digest
        self.signature = signature
        self.signatureContent = StrictBase64.encode(signature)
        self.publicKey = try PublicKeyMaterial(pem: publicKeyPEM)
        self.publicKeyContent = publicKey.canonicalContent
    }

    private init(copying entry: HashedRekordV001, publicKeyContent: String) {
        hashAlgorithm = entry.hashAlgorithm
        digest = entry.digest
        signature = entry.signature
        signatureContent = entry.signatureContent
        publicKey = entry.publicKey
        self.publicKeyContent = publicKeyContent
    }

    /// This entry with the key in its one stored form: what the log stores for a proposal.
    public var withCanonicalKey: HashedRekordV001 {
        HashedRekordV001(copying: self, publicKeyContent: publicKey.canonicalContent)
    }

    /// Reads `spec`: every field required, no others, strict encodings. Does not check the signature.
    init(spec: JSONFields) throws(EntryError) {
        try spec.rejectUnknown(["data", "signature"])
        let data = try spec.object("data")
        try data.rejectUnknown(["hash"])
        (hashAlgorithm, digest) = try data.hash("hash", allowed: HashAlgorithm.allCases)
        let signatureFields = try spec.object("signature")
        try signatureFields.rejectUnknown(["content", "publicKey"])
        (signatureContent, signature) = try signatureFields.base64("content")
        let keyFields = try signatureFields.object("publicKey")
        try keyFields.rejectUnknown(["content"])
        let (keyText, pem) = try keyFields.base64("content")
        publicKeyContent = keyText
        let field = keyFields.fieldPath("content")
        publicKey = try PublicKeyMaterialCache.shared.material(pem: pem) { () throws(EntryError) in
            try PublicKeyMaterial(pemBytes: pem, field: field)
        }
    }

    /// Checks the signature over `digest` with the leaf or bare key, as Rekor does before
    /// accepting an entry: ECDSA or RSA PKCS #1 v1.5 over the prehashed digest, with the key/hash
    /// pairs of Rekor's default algorithm registry (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512,
    /// RSA/SHA-256). Ed25519 keys are rejected: signing a digest needs Ed25519ph.
    public func verifySignature() throws(EntryError) {
        let key = publicKey.key
        guard key.kind != .ed25519 else {
            throw EntryError(.algorithmNotAllowed, "Ed25519 keys are not supported for hashedrekord: signing a digest needs Ed25519ph")
        }
        guard key.kind.defaultHash == hashAlgorithm else {
            throw EntryError(.algorithmNotAllowed,
                "entry algorithms are not allowed: \(key.kind) signs with \(key.kind.defaultHash.rawValue), not \(hashAlgorithm.rawValue)")
        }
        guard key.isValidSignature(signature, digest: digest, algorithm: hashAlgorithm) else {
            let against = publicKey.certificates.isEmpty ? "the public key" : "the certificate's public key"
            throw EntryError(.invalidSignature, "signature does not verify against \(against)")
        }
    }

    /// The body as JSON.
    public var canonicalJSON: JSONValue {
        [
            "apiVersion": .string(Self.apiVersion),
            "kind": .string(Self.kind),
            "spec": [
                "data": ["hash": ["algorithm": .string(hashAlgorithm.rawValue), "value": .string(LowercaseHex.encode(digest))]],
                "signature": ["content": .string(signatureContent), "publicKey": ["content": .string(publicKeyContent)]],
            ],
        ]
    }

    /// The canonicalized body (RFC 8785), as the log stores it.
    public var canonicalBody: [UInt8] { CanonicalJSON.encode(canonicalJSON) }

    /// `<algorithm>:<hex digest>`, the signer's SANs and the key fingerprint.
    public var searchKeys: EntrySearchKeys {
        EntrySearchKeys(
            artifactHashes: ["\(hashAlgorithm.rawValue):\(LowercaseHex.encode(digest))"],
            identities: publicKey.identities,
            publicKeyFingerprints: [publicKey.fingerprint])
    }
}
