import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import TimestampAuthority
import X509

/// One TSA chain for the whole test target (generating P-384 keys is not free), and helpers to
/// verify what it signs the way a Sigstore verifier does.
enum TSAFixtures {
    static let material: TSAKeyMaterial = try! TSAKeyMaterial.generate()
    static let signer: TimestampSigner = try! material.signer()
    /// The chain as the trusted root lists it, with a window around now.
    static var authority: TrustedCertificateAuthority {
        TrustedCertificateAuthority(subject: .init(organization: TSAKeyMaterial.organization, commonName: TSAKeyMaterial.leafCommonName),
                                    uri: "http://127.0.0.1:5557/api/v1/timestamp", certificates: material.chain,
                                    validFor: TimeRange(start: Date() - 3600))
    }

    static func request(_ data: [UInt8], _ algorithm: HashAlgorithm = .sha256, nonce: [UInt8]? = nil,
                        certificate: Bool = true, policy: ASN1ObjectIdentifier? = nil) throws -> TimeStampRequest {
        try TimeStampRequest(hashAlgorithm: algorithm, hashedMessage: algorithm.digest(data), policy: policy, nonce: nonce,
                             certificateRequested: certificate)
    }

    /// A hand-built DER TimeStampReq, for requests `TimeStampRequest` would never write.
    static func der(version: Int = 1, algorithm: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1], digest: [UInt8] = .init(repeating: 7, count: 32),
                    extensions: Bool = false) -> [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(version)
            try coder.appendConstructedNode(identifier: .sequence) { imprint in
                try imprint.appendConstructedNode(identifier: .sequence) { try $0.serialize(algorithm) }
                try imprint.serialize(ASN1OctetString(contentBytes: digest[...]))
            }
            if extensions {
                try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { exts in
                    try exts.appendConstructedNode(identifier: .sequence) { ext in
                        try ext.serialize(ASN1ObjectIdentifier("1.2.3.4"))
                        try ext.serialize(ASN1OctetString(contentBytes: [5, 0][...]))
                    }
                }
            }
        }
        return serializer.serializedBytes
    }
}
