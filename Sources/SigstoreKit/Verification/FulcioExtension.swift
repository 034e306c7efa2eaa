import SwiftASN1
import X509

/// Fulcio certificate extensions under 1.3.6.1.4.1.57264.1 (sigstore/fulcio docs/oid-info.md).
/// `.1.1`–`.1.6` hold raw UTF-8 bytes (the deprecated encoding); `.1.8` and later a DER UTF8String.
public enum FulcioExtension: Int, Sendable, Hashable, CaseIterable {
    case issuerV1 = 1
    case githubWorkflowTrigger = 2
    case githubWorkflowSHA = 3
    case githubWorkflowName = 4
    case githubWorkflowRepository = 5
    case githubWorkflowRef = 6
    case issuer = 8
    case buildSignerURI = 9
    case buildSignerDigest = 10
    case runnerEnvironment = 11
    case sourceRepositoryURI = 12
    case sourceRepositoryDigest = 13
    case sourceRepositoryRef = 14
    case sourceRepositoryIdentifier = 15
    case sourceRepositoryOwnerURI = 16
    case sourceRepositoryOwnerIdentifier = 17
    case buildConfigURI = 18
    case buildConfigDigest = 19
    case buildTrigger = 20
    case runInvocationURI = 21
    case sourceRepositoryVisibilityAtSigning = 22
    case deploymentEnvironment = 23
    case tokenSubject = 24

    public var oid: ASN1ObjectIdentifier {
        // 1.3.6.1.4.1.57264.1.<n> always forms a valid OID.
        try! ASN1ObjectIdentifier(elements: [1, 3, 6, 1, 4, 1, 57264, 1, UInt(rawValue)])
    }

    /// The OIDC issuer: extension `.1.8`, falling back to the raw `.1.1` of older certificates.
    static func oidcIssuer(in certificate: Certificate) throws(VerificationError) -> String? {
        if let issuer = try issuer.value(in: certificate) { return issuer }
        return try issuerV1.value(in: certificate)
    }

    /// The extension's string value in `certificate`: nil when absent; throws when malformed
    /// (not UTF-8, or for DER-encoded ones not exactly one UTF8String).
    func value(in certificate: Certificate) throws(VerificationError) -> String? {
        guard let ext = certificate.extensions[oid: oid] else { return nil }
        if rawValue <= 6 {
            guard let text = String(validating: ext.value, as: UTF8.self) else {
                throw .step(.identity, "certificate extension \(oid) is not UTF-8")
            }
            return text
        }
        // swift-asn1 keeps a UTF8String's bytes unchecked; `String.init` would put U+FFFD for a stray byte.
        guard let string = try? ASN1UTF8String(derEncoded: Array(ext.value)),
              let text = String(validating: string.bytes, as: UTF8.self) else {
            throw .step(.identity, "certificate extension \(oid) is not a DER UTF8String of valid UTF-8")
        }
        return text
    }
}
