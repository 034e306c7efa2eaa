import Crypto
import Foundation

/// The bytes a CT log signs for a precertificate entry (RFC 6962 §3.2 `digitally-signed` struct):
/// `sct_version ‖ signature_type=0 ‖ timestamp u64 ‖ entry_type=1 ‖ issuer_key_hash[32] ‖
/// TBSCertificate<u24> ‖ extensions<u16>`.
public enum PrecertificateSignedData {
    /// `issuerKeyHash` is SHA-256 of the issuing CA's DER SubjectPublicKeyInfo; `tbsCertificate`
    /// is the precert TBS (see `PrecertificateTBS`).
    public static func build(timestamp: UInt64, extensions: [UInt8], issuerKeyHash: [UInt8],
                             tbsCertificate: [UInt8]) throws(CTError) -> [UInt8] {
        guard issuerKeyHash.count == 32 else { throw CTError("issuer key hash must be 32 bytes, not \(issuerKeyHash.count)") }
        var writer = TLSWriter()
        writer.integer(UInt64(SignedCertificateTimestamp.v1), width: 1)
        writer.integer(0, width: 1)            // signature_type = certificate_timestamp
        writer.integer(timestamp, width: 8)
        writer.integer(1, width: 2)            // entry_type = precert_entry
        writer.append(issuerKeyHash)
        try writer.vector(tbsCertificate, lengthWidth: 3, "TBSCertificate")
        try writer.vector(extensions, lengthWidth: 2, "SCT extensions")
        return writer.bytes
    }

    /// Signed data for `sct` over a precert TBS issued by the key `issuerSPKI` (DER).
    public static func build(for sct: SignedCertificateTimestamp, issuerSPKI: [UInt8],
                             tbsCertificate: [UInt8]) throws(CTError) -> [UInt8] {
        try build(timestamp: sct.timestamp, extensions: sct.extensions,
                  issuerKeyHash: Array(SHA256.hash(data: issuerSPKI)), tbsCertificate: tbsCertificate)
    }
}
