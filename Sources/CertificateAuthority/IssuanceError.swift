/// Why `POST /api/v2/signingCert` issued nothing. Client mistakes map to 400 (413 for size),
/// CA-side failures to 500, and only at the HTTP edge (`IssuanceErrorResponse.swift`).
public enum IssuanceError: Error, Equatable, Sendable, CustomStringConvertible {
    case token(TokenError)
    case malformedRequest(String)
    case requestTooLarge(limit: Int)
    /// The public key could not be read at all.
    case unparseablePublicKey(String)
    /// The key parses but is not allowed (RSA < 2048, unsupported curve).
    case insecureKey(String)
    case malformedCSR(String)
    case missingProofOfPossession
    case invalidProofOfPossession(String)
    /// The CT log refused or failed; Fulcio issues nothing without an SCT.
    case transparencyLogFailed(String)
    case signingFailed(String)

    public var description: String {
        switch self {
        case .token(let error): error.description
        case .malformedRequest(let why): "malformed request: \(why)"
        case .requestTooLarge(let limit): "request body is larger than \(limit) bytes"
        case .unparseablePublicKey(let why): "the public key supplied in the request could not be parsed: \(why)"
        case .insecureKey(let why): "the public key supplied in the request is insecure or not supported: \(why)"
        case .malformedCSR(let why): "the certificate signing request could not be parsed: \(why)"
        case .missingProofOfPossession: "missing proof of possession: publicKeyRequest.proofOfPossession is empty"
        case .invalidProofOfPossession(let why): "the signature supplied in the request could not be verified: \(why)"
        case .transparencyLogFailed(let why): "error entering certificate in CT log: \(why)"
        case .signingFailed(let why): "error signing certificate: \(why)"
        }
    }
}
