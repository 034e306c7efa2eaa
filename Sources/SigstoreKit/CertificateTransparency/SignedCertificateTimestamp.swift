// Certificate Transparency in SigstoreKit
//
// RFC 6962 §3.2–3.3 v1 SCTs as Fulcio embeds them: `SignedCertificateTimestamp` (TLS encoding),
// `SignedCertificateTimestampList` (the X.509 extension 1.3.6.1.4.1.11129.2.4.2),
// `PrecertificateSignedData` (what the CT log signs for a precert entry) and `PrecertificateTBS`
// (the TBSCertificate with the SCT list or the poison extension removed). Nothing here does I/O.

/// One RFC 6962 v1 signed certificate timestamp (§3.2):
/// `sct_version ‖ log_id[32] ‖ timestamp u64 ‖ extensions<u16> ‖ digitally-signed`.
public struct SignedCertificateTimestamp: Sendable, Hashable {
    /// TLS `HashAlgorithm` (RFC 5246 §7.4.1.4.1). CT requires SHA-256.
    public enum HashAlgorithmID: UInt8, Sendable, Hashable {
        case none = 0, md5, sha1, sha224, sha256, sha384, sha512
    }

    /// TLS `SignatureAlgorithm` (RFC 5246 §7.4.1.4.1, RFC 8422 for Ed25519).
    public enum SignatureAlgorithmID: UInt8, Sendable, Hashable {
        case anonymous = 0, rsa = 1, dsa = 2, ecdsa = 3, ed25519 = 7
    }

    /// `sct_version`; only v1 (0) exists.
    public static let v1: UInt8 = 0

    /// SHA-256 of the CT log's DER SubjectPublicKeyInfo.
    public var logID: [UInt8]
    /// Milliseconds since the Unix epoch.
    public var timestamp: UInt64
    /// Opaque `CtExtensions` (static-ct-api logs put a `leaf_index` here).
    public var extensions: [UInt8]
    public var hashAlgorithm: HashAlgorithmID
    public var signatureAlgorithm: SignatureAlgorithmID
    /// The signature bytes (DER for ECDSA).
    public var signature: [UInt8]

    public init(logID: [UInt8], timestamp: UInt64, extensions: [UInt8] = [],
                hashAlgorithm: HashAlgorithmID = .sha256, signatureAlgorithm: SignatureAlgorithmID, signature: [UInt8]) {
        self.logID = logID
        self.timestamp = timestamp
        self.extensions = extensions
        self.hashAlgorithm = hashAlgorithm
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    /// Decodes exactly one TLS-encoded SCT; trailing bytes are an error.
    public init(tlsEncoded bytes: some Collection<UInt8>) throws(CTError) {
        var reader = TLSReader(bytes)
        try self.init(reading: &reader)
        guard reader.isAtEnd else { throw CTError("SCT has trailing bytes") }
    }

    init(reading reader: inout TLSReader) throws(CTError) {
        let version = try reader.integer(1, "SCT version")
        guard version == UInt64(Self.v1) else { throw CTError("unsupported SCT version \(version)") }
        logID = try reader.bytes(32, "SCT log ID")
        timestamp = try reader.integer(8, "SCT timestamp")
        extensions = try reader.vector(lengthWidth: 2, "SCT extensions")
        let hash = try reader.integer(1, "SCT hash algorithm")
        guard let hashID = HashAlgorithmID(rawValue: UInt8(hash)) else { throw CTError("unknown SCT hash algorithm \(hash)") }
        let sig = try reader.integer(1, "SCT signature algorithm")
        guard let sigID = SignatureAlgorithmID(rawValue: UInt8(sig)) else { throw CTError("unknown SCT signature algorithm \(sig)") }
        hashAlgorithm = hashID
        signatureAlgorithm = sigID
        signature = try reader.vector(lengthWidth: 2, "SCT signature")
    }

    /// The TLS encoding (RFC 6962 §3.2).
    public func tlsEncoded() throws(CTError) -> [UInt8] {
        guard logID.count == 32 else { throw CTError("SCT log ID must be 32 bytes, not \(logID.count)") }
        var writer = TLSWriter()
        writer.integer(UInt64(Self.v1), width: 1)
        writer.append(logID)
        writer.integer(timestamp, width: 8)
        try writer.vector(extensions, lengthWidth: 2, "SCT extensions")
        writer.integer(UInt64(hashAlgorithm.rawValue), width: 1)
        writer.integer(UInt64(signatureAlgorithm.rawValue), width: 1)
        try writer.vector(signature, lengthWidth: 2, "SCT signature")
        return writer.bytes
    }

    /// Verifies the signature over `signedData` (see `PrecertificateSignedData`) with the log's key.
    /// The hash must be SHA-256 and the signature algorithm must match the key type.
    public func verify(signedData: [UInt8], logKey: VerificationKey) throws(CTError) {
        guard hashAlgorithm == .sha256 else { throw CTError("SCT hash algorithm must be SHA-256, not \(hashAlgorithm)") }
        let expected: SignatureAlgorithmID = switch logKey.kind {
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: .ecdsa
        case .ed25519: .ed25519
        case .rsa: .rsa
        }
        guard signatureAlgorithm == expected else {
            throw CTError("SCT signature algorithm \(signatureAlgorithm) does not match the \(logKey.kind) log key")
        }
        let valid: Bool = switch logKey.kind {
        case .ecdsaP256, .rsa, .ed25519: logKey.isValidSignature(signature, for: signedData)
        // RFC 6962 fixes SHA-256 even for larger curves, so hash here rather than use the key default.
        case .ecdsaP384, .ecdsaP521: logKey.isValidSignature(signature, digest: HashAlgorithm.sha256.digest(signedData), algorithm: .sha256)
        }
        guard valid else { throw CTError("SCT signature is invalid") }
    }
}
