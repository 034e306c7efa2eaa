import Foundation
import SwiftASN1
import WireFormat
import X509

/// Verifies the SCTs embedded in a signing certificate against the CT logs of a trusted root
/// (RFC 6962 §3.3 + sigstore-go `pkg/verify/sct.go`): at least `threshold` SCTs must come from a
/// known log whose key was valid at the SCT's timestamp, over the precert TBS issued by `issuer`.
public enum EmbeddedSCTVerifier {
    /// Returns the SCTs that verified; throws unless at least `threshold` did.
    @discardableResult
    public static func verify(certificate: Certificate, issuer: Certificate, logs: [TransparencyLogInstance],
                              threshold: Int = 1) throws(CTError) -> [SignedCertificateTimestamp] {
        guard let ext = certificate.extensions[oid: SignedCertificateTimestampList.extensionOID] else {
            throw CTError("certificate has no embedded SCT list")
        }
        let list = try SignedCertificateTimestampList(extensionValue: ext.value)
        let tbs = try PrecertificateTBS.fromFinalCertificate(certificate)
        var issuerSPKI = DER.Serializer()
        do { try issuerSPKI.serialize(issuer.publicKey) } catch { throw CTError("issuer public key does not encode") }
        var verified: [SignedCertificateTimestamp] = []
        var problems: [String] = []
        for sct in list.timestamps {
            do {
                try verifyOne(sct, tbs: tbs, issuerSPKI: issuerSPKI.serializedBytes, logs: logs)
                verified.append(sct)
            } catch {
                problems.append(error.message)
            }
        }
        guard verified.count >= threshold else {
            throw CTError("\(verified.count) of \(list.timestamps.count) SCTs verified, \(threshold) required: "
                + problems.joined(separator: "; "))
        }
        return verified
    }

    static func verifyOne(_ sct: SignedCertificateTimestamp, tbs: [UInt8], issuerSPKI: [UInt8],
                          logs: [TransparencyLogInstance]) throws(CTError) {
        let candidates = logs.filter { $0.logID == sct.logID }
        guard !candidates.isEmpty else {
            throw CTError("SCT log ID \(StrictBase64.encode(sct.logID)) is not a CT log of the trusted root")
        }
        let time = Date(timeIntervalSince1970: Double(sct.timestamp) / 1000)
        let signedData = try PrecertificateSignedData.build(for: sct, issuerSPKI: issuerSPKI, tbsCertificate: tbs)
        var lastError = CTError("no CT log key for the SCT is valid at its timestamp")
        for log in candidates where log.isValid(at: time) {
            guard let key = log.key else { continue }
            do {
                try sct.verify(signedData: signedData, logKey: key)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }
}
