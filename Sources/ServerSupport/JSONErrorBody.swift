import HTTPTypes
import WireFormat

/// The error body every Sigil API answers with: `{"code": N, "message": "..."}`, where `code`
/// repeats the HTTP status. It is Rekor's `Error` definition (openapi.yaml) and the JSON Fulcio's
/// gateway writes for a refused request, so Sigstore clients read it without special cases.
public enum JSONErrorBody {
    /// The body's bytes, canonical JSON. `message` is sent as given: callers keep secrets out of it.
    public static func encode(status: HTTPResponse.Status, message: String) -> [UInt8] {
        CanonicalJSON.encode(["code": .integer(Int64(status.code)), "message": .string(message)])
    }
}
