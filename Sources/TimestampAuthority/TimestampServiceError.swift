import Hummingbird
import ServerSupport
import SigstoreKit

/// Why `POST /api/v1/timestamp` issued nothing. All are the client's: 400 for a request the TSA
/// refuses (with the RFC 3161 reason), 415 for another content type, 413 over the size limit.
/// Each leaves as the `{"code", "message"}` body of every Sigil server.
public enum TimestampServiceError: Error, Equatable, Sendable, JSONResponseError {
    case request(TimeStampRequestError)
    /// The JSON request form is not the documented object.
    case malformedJSON(String)
    case unsupportedMediaType
    case requestTooLarge(limit: Int)

    public var status: HTTPResponse.Status {
        switch self {
        case .request, .malformedJSON: .badRequest
        case .unsupportedMediaType: .unsupportedMediaType
        case .requestTooLarge: .contentTooLarge
        }
    }

    public var description: String {
        switch self {
        case .request(let error): error.description
        case .malformedJSON(let why): "malformed JSON timestamp request: \(why)"
        case .unsupportedMediaType:
            "Content-Type must be application/timestamp-query (a DER TimeStampReq) or application/json"
        case .requestTooLarge(let limit): "request body is larger than \(limit) bytes"
        }
    }

    /// The refusal's kind, as a metric label: a closed set, never request contents.
    var metricReason: String {
        switch self {
        case .request(let error):
            switch error {
            case .malformed: "malformed"
            case .unsupportedVersion: "unsupported_version"
            case .weakHashAlgorithm: "weak_hash"
            case .unsupportedHashAlgorithm: "unsupported_hash"
            case .digestLength: "digest_length"
            case .unacceptedPolicy: "unaccepted_policy"
            case .extensionsPresent: "extensions"
            }
        case .malformedJSON: "malformed_json"
        case .unsupportedMediaType: "unsupported_media_type"
        case .requestTooLarge: "request_too_large"
        }
    }
}
