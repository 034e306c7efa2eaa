import Foundation
import WireFormat
import X509

/// Verifies an RFC 3161 timestamp over a bundle signature against the timestamp authorities of a
/// trusted root, and returns the time it proves (sigstore-go `pkg/verify/tsa.go`; sigstore-python
/// `_verify_signed_timestamp`).
public enum TimestampVerifier {
    /// Checks, in order: the response parses and was granted; its messageImprint is the hash of
    /// `signature`; the signed attributes name TSTInfo and hash it; a TSA of the trusted root
    /// (leaf = first certificate of its chain) is the signer and its signature verifies; `genTime`
    /// lies inside that TSA's `validFor`; the TSA chain is valid at `genTime` with a critical
    /// timeStamping EKU on the leaf. Embedded certificates are never trusted by themselves.
    public static func verify(response: [UInt8], signature: [UInt8],
                              authorities: [TrustedCertificateAuthority]) async throws(TimestampError) -> Date {
        let token = try TimeStampToken(response: response)
        let info = token.info
        guard info.hashAlgorithm.digest(signature) == info.hashedMessage else {
            throw TimestampError("the timestamp is over other data: its messageImprint is not the hash of the bundle signature")
        }
        let signer = token.signer
        guard signer.contentTypeAttribute == TimestampOID.tstInfo else {
            throw TimestampError("the content-type attribute is not id-ct-TSTInfo")
        }
        guard signer.digestAlgorithm.digest(token.tstInfoDER) == signer.messageDigestAttribute else {
            throw TimestampError("the message-digest attribute does not match the TSTInfo")
        }
        let candidates = authorities.filter { $0.certificates.first.map(signer.names) ?? false }
        guard !candidates.isEmpty else {
            throw TimestampError("the timestamp was not signed by a timestamp authority of the trusted root")
        }
        var problems: [String] = []
        for authority in candidates {
            if let problem = await check(token, authority: authority) { problems.append(problem) } else { return info.genTime }
        }
        throw TimestampError(problems.joined(separator: "; "))
    }

    /// Nil when `authority` vouches for `token`, else why not.
    private static func check(_ token: TimeStampToken, authority: TrustedCertificateAuthority) async -> String? {
        guard let leaf = authority.certificates.first, let key = try? VerificationKey(certificate: leaf) else {
            return "the TSA certificate's key is not supported"
        }
        let hash = token.signer.signatureHash ?? token.signer.digestAlgorithm
        guard key.isValidSignature(token.signer.signature, digest: hash.digest(token.signer.signedAttributesDER), algorithm: hash) else {
            return "the timestamp signature is invalid"
        }
        let time = token.info.genTime
        guard authority.isValid(at: time) else {
            return "the timestamp time \(RFC3339.format(time)) is outside the TSA's validity in the trusted root"
        }
        if let failure = await ChainValidator.failure(leaf: leaf, authority: authority, at: time, profile: .timestamping) {
            return "the TSA certificate chain is not valid at \(RFC3339.format(time)): \(failure)"
        }
        return nil
    }
}
