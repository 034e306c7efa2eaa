// RFC 3161 timestamps in SigstoreKit
//
// RFC 3161 §2.4 (TimeStampResp, TSTInfo) over RFC 5652 CMS SignedData, decoded by hand with
// swift-asn1 (swift-certificates keeps its CMS types internal): `TimeStampToken`, `TSTInfo`,
// `CMSSignerInfo`; `TimestampVerifier` checks one against a trusted root's TSAs.

import SwiftASN1
import X509

/// An RFC 3161 timestamp response (§2.4.2 `TimeStampResp`) and the CMS `SignedData` token inside
/// it (RFC 5652 §5.1), decoded with swift-asn1: the TSTInfo, its raw bytes, the one signer, and
/// any certificates the TSA embedded.
public struct TimeStampToken: Sendable {
    public let info: TSTInfo
    /// Certificates embedded in the token (possibly none).
    public let certificates: [Certificate]
    /// The DER `eContent`: the bytes the message-digest attribute hashes.
    let tstInfoDER: [UInt8]
    let signer: CMSSignerInfo

    /// Parses a DER `TimeStampResp`; its status must be granted (0) or grantedWithMods (1).
    public init(response bytes: [UInt8]) throws(TimestampError) {
        let root: ASN1Node
        do { root = try BER.parse(bytes) } catch { throw TimestampError("TimeStampResp is not valid DER") }
        var reader = try ASN1Reader(root, "TimeStampResp")
        var status = try ASN1Reader(try reader.next("status"), "PKIStatusInfo")
        let code = try status.decode(Int.self, "status")
        guard code == 0 || code == 1 else { throw TimestampError("the TSA did not grant the timestamp (status \(code))") }
        try self.init(contentInfo: try reader.next("timeStampToken"))
    }

    init(contentInfo node: ASN1Node) throws(TimestampError) {
        var contentInfo = try ASN1Reader(node, "timeStampToken")
        guard try contentInfo.decode(ASN1ObjectIdentifier.self, "contentType") == TimestampOID.signedData else {
            throw TimestampError("timeStampToken is not CMS SignedData")
        }
        var explicit = try ASN1Reader(try contentInfo.next("content"), "timeStampToken content", identifier: .context(0))
        var signedData = try ASN1Reader(try explicit.next("SignedData"), "SignedData")
        _ = try signedData.decode(Int.self, "version")
        _ = try signedData.next("digestAlgorithms")
        var encap = try ASN1Reader(try signedData.next("encapContentInfo"), "encapContentInfo")
        guard try encap.decode(ASN1ObjectIdentifier.self, "eContentType") == TimestampOID.tstInfo else {
            throw TimestampError("SignedData does not hold a TSTInfo")
        }
        var eContent = try ASN1Reader(try encap.next("eContent"), "eContent", identifier: .context(0))
        tstInfoDER = Array(try eContent.decode(ASN1OctetString.self, "OCTET STRING").bytes)
        info = try TSTInfo(der: tstInfoDER)
        certificates = try Self.certificates(signedData.optional(.context(0)))
        _ = signedData.optional(.context(1))                       // CRLs: unused
        let signerInfos = try signedData.next("signerInfos")
        guard signerInfos.identifier == .set, case .constructed(let signers) = signerInfos.content else {
            throw TimestampError("SignedData signerInfos is not a SET")
        }
        let all = Array(signers)
        guard all.count == 1 else { throw TimestampError("SignedData must have exactly one SignerInfo, not \(all.count)") }
        signer = try CMSSignerInfo(all[0])
    }

    private static func certificates(_ node: ASN1Node?) throws(TimestampError) -> [Certificate] {
        guard let node else { return [] }
        guard case .constructed(let children) = node.content else { throw TimestampError("SignedData certificates are malformed") }
        var result: [Certificate] = []
        for child in children where child.identifier == .sequence {
            do { result.append(try Certificate(derEncoded: child)) } catch {
                throw TimestampError("SignedData holds an unparseable certificate")
            }
        }
        return result
    }
}
