import Foundation
import SwiftASN1
import X509

/// Issues RFC 3161 timestamp tokens: checks a request against the policy, writes its TSTInfo and
/// signs it as CMS SignedData with the TSA key. The TSA chain must have the profile Sigstore
/// verifiers require (sigstore-next.md §B.2): a leaf that is not a CA, with exactly one EKU,
/// timeStamping, marked critical, and the signing key's public half; at least one issuer above it.
///
/// Nothing here keeps state: serial numbers are 128 random bits, unique without coordination.
public struct TimestampSigner: Sendable {
    /// Leaf first, root last.
    public let chain: [Certificate]
    public let policy: TimestampPolicy
    private let encoder: CMSSignedDataEncoder

    public init(chain: [Certificate], key: TimestampSigningKey, policy: TimestampPolicy = .init()) throws(TimestampSignerError) {
        guard let leaf = chain.first, chain.count >= 2 else {
            throw TimestampSignerError("the TSA chain needs the signing certificate and at least one issuer above it")
        }
        try Self.checkProfile(leaf)
        guard leaf.publicKey == key.publicKey else {
            throw TimestampSignerError("the TSA key does not belong to the TSA signing certificate")
        }
        for (child, parent) in zip(chain, chain.dropFirst()) {
            guard child.issuer == parent.subject, parent.publicKey.isValidSignature(child.signature, for: child) else {
                throw TimestampSignerError("the TSA chain is out of order: \(child.subject) was not issued by \(parent.subject)")
            }
        }
        self.chain = chain
        self.policy = policy
        do {
            var leafDER = DER.Serializer(), issuerDER = DER.Serializer()
            try leafDER.serialize(leaf)
            try issuerDER.serialize(leaf.issuer)
            encoder = try CMSSignedDataEncoder(leafDER: leafDER.serializedBytes, issuerDER: issuerDER.serializedBytes,
                                               serial: DERInteger.nonNegative(leaf.serialNumber.bytes), key: key)
        } catch {
            throw TimestampSignerError("the TSA certificate cannot be encoded: \(error)")
        }
    }

    /// RFC 3161 §2.3 and Sigstore's `VerifyCertChain`: not a CA; EKU exactly [timeStamping], critical.
    static func checkProfile(_ leaf: Certificate) throws(TimestampSignerError) {
        if let constraints = try? leaf.extensions.basicConstraints, case .isCertificateAuthority = constraints {
            throw TimestampSignerError("the TSA signing certificate must not be a CA")
        }
        guard let ext = leaf.extensions[oid: .X509ExtensionID.extendedKeyUsage], ext.critical,
              let usage = try? ExtendedKeyUsage(ext), Array(usage) == [.timeStamping] else {
            throw TimestampSignerError("the TSA signing certificate must have exactly one ExtendedKeyUsage, timeStamping, marked critical")
        }
    }

    /// A granted DER `TimeStampResp` for `request` at `time`, or the refusal. `serialNumber` is
    /// the token's serial as a big-endian magnitude (default: 128 random bits).
    public func respond(to request: TimeStampRequest, at time: Date,
                        serialNumber: [UInt8] = TimestampSigner.randomSerialNumber()) throws(TimeStampRequestError) -> [UInt8] {
        let policy = try self.policy.policy(for: request)
        do {
            let info = try TSTInfoEncoder.encode(request: request, policy: policy, serialNumber: DERInteger.nonNegative(serialNumber),
                                                 genTime: time)
            return TimeStampResponseEncoder.granted(token: try encoder.encode(tstInfo: info, embedCertificate: request.certificateRequested))
        } catch {
            // Encoding checked values and signing with a checked key do not fail; if they do, it is ours.
            preconditionFailure("TimestampSigner: encoding or signing a token failed: \(error)")
        }
    }

    /// 16 random bytes with the top bit clear: a positive 128-bit serial.
    public static func randomSerialNumber() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = withUnsafeBytes(of: generator.next() as UInt64, Array.init) + withUnsafeBytes(of: generator.next() as UInt64, Array.init)
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return bytes
    }

    /// The chain as PEM, leaf first (`GET /api/v1/timestamp/certchain`).
    public func chainPEM() -> String {
        chain.map { certificate in
            var serializer = DER.Serializer()
            try! serializer.serialize(certificate)
            return PEMEncoding.encode(serializer.serializedBytes, label: "CERTIFICATE")
        }.joined()
    }
}
