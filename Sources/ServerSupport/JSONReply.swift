import Foundation
import Hummingbird
import NIOCore
import WireFormat

/// JSON answers as every Sigil server writes them: `Content-Type: application/json` and a body
/// encoded once, up front, so the length is known and nothing is encoded twice.
///
/// Two encoders, chosen by layer: servers that build their documents as ``JSONValue`` (the CA and
/// the OIDC issuer) get ``CanonicalJSON``; the log answers with the Codable wire types it shares
/// with its client (`RekorAPI`), so it passes the encoder those types are defined against.
public enum JSONReply {
    /// `value` as canonical JSON.
    public static func canonical(_ value: JSONValue, status: HTTPResponse.Status = .ok,
                                 headers: HTTPFields = [:]) -> Response {
        bytes(CanonicalJSON.encode(value), status: status, headers: headers)
    }

    /// `value` as `encoder` writes it.
    public static func encoding(_ value: some Encodable, with encoder: JSONEncoder, status: HTTPResponse.Status = .ok,
                                headers: HTTPFields = [:]) throws -> Response {
        bytes(Array(try encoder.encode(value)), status: status, headers: headers)
    }

    /// The error shape of every Sigil API (see ``JSONErrorBody``) with `status`.
    public static func error(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) -> Response {
        bytes(JSONErrorBody.encode(status: status, message: message), status: status, headers: headers)
    }

    private static func bytes(_ body: [UInt8], status: HTTPResponse.Status, headers extra: HTTPFields) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
