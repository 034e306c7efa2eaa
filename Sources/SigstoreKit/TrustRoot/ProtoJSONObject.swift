import Foundation
import WireFormat

/// Why a protobuf-JSON document (bundle, trusted root, signing config) was rejected; `message`
/// names the field by its dotted path, e.g. `tlogs[1].publicKey.validFor.start is missing`.
struct ProtoJSONError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = UntrustedText.escaped(message) }
}

/// One object of a protobuf-JSON document (proto3 JSON mapping), read strictly through WireFormat's
/// one ``JSONObjectReader``: lowerCamelCase names only, unknown members rejected, repeated fields
/// absent meaning empty, `bytes` as base64, 64-bit integers as decimal strings (or JSON integers),
/// timestamps as RFC 3339.
typealias ProtoJSONObject = JSONObjectReader<ProtoJSONError>

extension JSONObjectReader where Failure == ProtoJSONError {
    init(_ value: JSONValue?, path: String) throws(ProtoJSONError) {
        try self.init(value, path: path, error: ProtoJSONError.init)
    }

    /// Parses `bytes` as a JSON text whose top level is an object.
    static func document(_ bytes: some Collection<UInt8>) throws(ProtoJSONError) -> ProtoJSONObject {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch { throw ProtoJSONError("not valid JSON: \(error)") }
        return try ProtoJSONObject(value, path: "")
    }

    /// A `bytes` field, decoded with ``LenientBase64``: the proto3 JSON mapping accepts either
    /// alphabet, padded or not, and real bundles use both. What is hashed and verified is the
    /// decoded bytes, so a second spelling of a value changes nothing that is signed.
    func bytes(_ key: String) throws(ProtoJSONError) -> [UInt8] {
        let text = try string(key)
        guard let bytes = LenientBase64.decode(text) else { throw ProtoJSONError("\(fieldPath(key)) is not valid base64") }
        return bytes
    }

    /// A `bytes` field that must be present and non-empty.
    func nonEmptyBytes(_ key: String) throws(ProtoJSONError) -> [UInt8] {
        let value = try bytes(key)
        guard !value.isEmpty else { throw ProtoJSONError("\(fieldPath(key)) is empty") }
        return value
    }

    /// An `int64` field: a decimal string (the proto3 JSON form) or a JSON integer.
    func int64(_ key: String) throws(ProtoJSONError) -> Int64 {
        switch members[key] {
        case nil: throw ProtoJSONError("\(fieldPath(key)) is missing")
        case .integer(let n)?: return n
        case .string(let s)?:
            guard let n = Int64(s), String(n) == s else { throw ProtoJSONError("\(fieldPath(key)) is not a decimal integer") }
            return n
        default: throw ProtoJSONError("\(fieldPath(key)) must be an integer string")
        }
    }

    /// An `int64` field that must not be negative (indexes, sizes, times).
    func nonNegativeInt64(_ key: String) throws(ProtoJSONError) -> Int64 {
        let n = try int64(key)
        guard n >= 0 else { throw ProtoJSONError("\(fieldPath(key)) must not be negative") }
        return n
    }

    /// A `google.protobuf.Timestamp` field in RFC 3339 form.
    func timestamp(_ key: String) throws(ProtoJSONError) -> Date {
        let text = try string(key)
        guard let date = RFC3339.parse(text) else { throw ProtoJSONError("\(fieldPath(key)) is not an RFC 3339 timestamp") }
        return date
    }
}
