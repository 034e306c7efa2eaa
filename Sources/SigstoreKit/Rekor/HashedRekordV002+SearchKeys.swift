import WireFormat
import X509

extension HashedRekordV002 {
    /// What the v2 log indexes the entry under, the same keys a v1 hashedrekord records:
    /// `<algorithm>:<hex digest>`, the certificate's subject alternative names (lowercased; none for
    /// a bare key) and the key fingerprint. For a DSSE envelope sent in this form the digest is that of
    /// its PAE and the log never sees the statement; ``RekorV2EntryRequest`` adds its subjects when
    /// the envelope itself is sent.
    public var searchKeys: EntrySearchKeys {
        var identities: [String] = []
        if case .x509Certificate(let der) = verifier, let certificate = try? Certificate(derEncoded: der) {
            // The entry was already read from this DER; an unreadable SAN only costs the identity keys.
            identities = (try? CertificateIdentities.subjectAlternativeNames(of: certificate, field: "signature.verifier")) ?? []
        }
        return EntrySearchKeys(artifactHashes: ["\(keyDetails.hashAlgorithm.rawValue):\(LowercaseHex.encode(digest))"],
                               identities: identities,
                               publicKeyFingerprints: [LowercaseHex.encode(key.keyID)])
    }
}
