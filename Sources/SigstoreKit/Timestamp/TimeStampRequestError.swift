import SwiftASN1

/// Why a TSA refuses a `TimeStampReq`, each with the `PKIFailureInfo` bit RFC 3161 assigns it.
/// `description` reads as the end of "couldn't timestamp: …" and never quotes more than an OID.
public enum TimeStampRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not DER, truncated, trailing bytes, or a field of the wrong type.
    case malformed(String)
    /// `version` is not 1.
    case unsupportedVersion(Int)
    /// SHA-1: recognised but refused as too weak.
    case weakHashAlgorithm
    /// A hash OID that is neither SHA-256, SHA-384 nor SHA-512.
    case unsupportedHashAlgorithm(String)
    /// `hashedMessage` is not as long as the algorithm's digests.
    case digestLength(algorithm: HashAlgorithm, expected: Int, actual: Int)
    /// `reqPolicy` names a policy this TSA does not issue under.
    case unacceptedPolicy(String)
    /// The request carries extensions; this TSA accepts none.
    case extensionsPresent

    public var failureInfo: PKIFailureInfo {
        switch self {
        case .malformed, .digestLength: .badDataFormat
        case .unsupportedVersion: .badRequest
        case .weakHashAlgorithm, .unsupportedHashAlgorithm: .badAlg
        case .unacceptedPolicy: .unacceptedPolicy
        case .extensionsPresent: .unacceptedExtension
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed TimeStampReq: \(why)"
        case .unsupportedVersion(let version): "TimeStampReq version \(version) is not supported (only 1)"
        case .weakHashAlgorithm: "SHA-1 is too weak for a timestamp; use SHA-256, SHA-384 or SHA-512"
        case .unsupportedHashAlgorithm(let oid): "hash algorithm \(oid) is not supported; use SHA-256, SHA-384 or SHA-512"
        case .digestLength(let algorithm, let expected, let actual):
            "the message imprint is \(actual) bytes, but a \(algorithm) digest is \(expected)"
        case .unacceptedPolicy(let oid): "TSA policy \(oid) is not accepted"
        case .extensionsPresent: "request extensions are not accepted"
        }
    }
}
