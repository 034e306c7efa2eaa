import Crypto

/// A precertificate entry of an RFC 6962 log (§3.4): the `MerkleTreeLeaf` that is hashed into the
/// tree, and the `PrecertChainEntry` returned beside it as `extra_data`.
public struct PrecertLogEntry: Sendable, Equatable {
    /// Milliseconds since the epoch; the SCT carries the same value.
    public let timestamp: UInt64
    /// SHA-256 of the issuing CA's DER SubjectPublicKeyInfo.
    public let issuerKeyHash: [UInt8]
    /// The precertificate's TBSCertificate with the poison extension removed.
    public let tbsCertificate: [UInt8]
    /// SCT extensions (empty for an RFC 6962 log).
    public let extensions: [UInt8]

    public init(timestamp: UInt64, issuerKeyHash: [UInt8], tbsCertificate: [UInt8], extensions: [UInt8] = []) {
        self.timestamp = timestamp
        self.issuerKeyHash = issuerKeyHash
        self.tbsCertificate = tbsCertificate
        self.extensions = extensions
    }

    /// `MerkleTreeLeaf { version v1, leaf_type timestamped_entry, TimestampedEntry { timestamp,
    /// entry_type precert_entry, PreCert { issuer_key_hash, tbs_certificate<1..2^24-1> }, extensions } }`.
    public func leafInput() throws(CTError) -> [UInt8] {
        var writer = TLSWriter()
        writer.integer(0, width: 1)            // version v1
        writer.integer(0, width: 1)            // leaf_type timestamped_entry
        writer.integer(timestamp, width: 8)
        writer.integer(1, width: 2)            // entry_type precert_entry
        writer.append(issuerKeyHash)
        try writer.vector(tbsCertificate, lengthWidth: 3, "TBSCertificate")
        try writer.vector(extensions, lengthWidth: 2, "extensions")
        return writer.bytes
    }

    /// Parses a `MerkleTreeLeaf` holding a precert entry.
    public init(leafInput: some Collection<UInt8>) throws(CTError) {
        var reader = TLSReader(leafInput)
        guard try reader.integer(1, "version") == 0 else { throw CTError("MerkleTreeLeaf version is not v1") }
        guard try reader.integer(1, "leaf type") == 0 else { throw CTError("MerkleTreeLeaf is not a timestamped entry") }
        timestamp = try reader.integer(8, "timestamp")
        guard try reader.integer(2, "entry type") == 1 else { throw CTError("MerkleTreeLeaf is not a precert entry") }
        issuerKeyHash = try reader.bytes(32, "issuer key hash")
        tbsCertificate = try reader.vector(lengthWidth: 3, "TBSCertificate")
        extensions = try reader.vector(lengthWidth: 2, "extensions")
        guard reader.isAtEnd else { throw CTError("MerkleTreeLeaf has trailing bytes") }
    }

    /// The bytes the log signs in the entry's SCT.
    public func signedData() throws(CTError) -> [UInt8] {
        try PrecertificateSignedData.build(timestamp: timestamp, extensions: extensions, issuerKeyHash: issuerKeyHash,
                                           tbsCertificate: tbsCertificate)
    }

    /// `PrecertChainEntry { ASN.1Cert pre_certificate; ASN.1Cert precertificate_chain<0..2^24-1> }`.
    public static func chainEntry(precertificate: [UInt8], chain: [[UInt8]]) throws(CTError) -> [UInt8] {
        var certificates = TLSWriter()
        for certificate in chain { try certificates.vector(certificate, lengthWidth: 3, "chain certificate") }
        var writer = TLSWriter()
        try writer.vector(precertificate, lengthWidth: 3, "precertificate")
        try writer.vector(certificates.bytes, lengthWidth: 3, "precertificate chain")
        return writer.bytes
    }
}

/// RFC 6962 `digitally-signed` values as CT logs send them: hash algorithm, signature algorithm,
/// length-prefixed signature.
public enum DigitallySigned {
    /// Encodes a signature made with SHA-256 by a key of `kind`.
    public static func encode(signature: [UInt8], kind: VerificationKey.Kind) throws(CTError) -> [UInt8] {
        var writer = TLSWriter()
        writer.integer(4, width: 1)            // sha256
        let algorithm: UInt64 = switch kind {
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: 3
        case .rsa: 1
        case .ed25519: 7
        }
        writer.integer(algorithm, width: 1)
        try writer.vector(signature, lengthWidth: 2, "signature")
        return writer.bytes
    }

    /// The signature inside an encoded value, after checking it names SHA-256.
    public static func signature(in encoded: some Collection<UInt8>) throws(CTError) -> [UInt8] {
        var reader = TLSReader(encoded)
        guard try reader.integer(1, "hash algorithm") == 4 else { throw CTError("digitally-signed hash is not SHA-256") }
        _ = try reader.integer(1, "signature algorithm")
        let signature = try reader.vector(lengthWidth: 2, "signature")
        guard reader.isAtEnd else { throw CTError("digitally-signed value has trailing bytes") }
        return signature
    }
}

/// The RFC 6962 §3.5 `TreeHeadSignature` input: what a CT log signs for a signed tree head.
public enum TreeHeadSignature {
    public static func signedData(timestamp: UInt64, treeSize: UInt64, rootHash: [UInt8]) -> [UInt8] {
        var writer = TLSWriter()
        writer.integer(0, width: 1)            // version v1
        writer.integer(1, width: 1)            // signature_type tree_hash
        writer.integer(timestamp, width: 8)
        writer.integer(treeSize, width: 8)
        writer.append(rootHash)
        return writer.bytes
    }
}
