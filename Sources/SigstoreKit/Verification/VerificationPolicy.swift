import Foundation

/// What a bundle must prove, stated explicitly (sigstore-go `PolicyBuilder`, STYLE G8): the
/// artifact is required, and the signer is either a certificate identity or a managed key —
/// never "anything". Holes are spelled `unsafe…`.
public struct VerificationPolicy: Sendable {
    /// The artifact the bundle must sign: its bytes, or only its digest.
    public enum Artifact: Sendable, Equatable {
        case bytes([UInt8])
        case digest(algorithm: HashAlgorithm, bytes: [UInt8])

        /// The digest with `algorithm`, if it can be known (a given digest of another algorithm cannot).
        func digest(_ algorithm: HashAlgorithm) -> [UInt8]? {
            switch self {
            case .bytes(let data): algorithm.digest(data)
            case .digest(let given, let bytes): given == algorithm ? bytes : nil
            }
        }
    }

    /// Who must have signed.
    public enum Signer: Sendable {
        /// A Fulcio certificate whose identity matches.
        case certificate(CertificateIdentity)
        /// A managed key (bundles with `verificationMaterial.publicKey`).
        case publicKey(VerificationKey)
        /// Any certificate that chains to the trusted root. Only for inspection tools.
        case unsafeAnyCertificateIdentity
    }

    public let artifact: Artifact
    public let signer: Signer
    /// How many verified time sources (SETs, RFC 3161 timestamps) are required; at least 1.
    public let minimumSigningTimes: Int

    public init(artifact: Artifact, signer: Signer, minimumSigningTimes: Int = 1) throws(VerificationPolicyError) {
        guard minimumSigningTimes >= 1 else {
            throw VerificationPolicyError("minimumSigningTimes must be at least 1, not \(minimumSigningTimes)")
        }
        if case .digest(let algorithm, let bytes) = artifact, bytes.count != algorithm.byteCount {
            throw VerificationPolicyError("a \(algorithm.rawValue) digest is \(algorithm.byteCount) bytes, not \(bytes.count)")
        }
        self.artifact = artifact
        self.signer = signer
        self.minimumSigningTimes = minimumSigningTimes
    }
}

/// An impossible policy, e.g. a regular expression that does not compile.
public struct VerificationPolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "invalid verification policy: \(message)" }
}
