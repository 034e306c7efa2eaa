import Foundation

/// Why a protobuf-JSON document (bundle, trusted root, signing config) was rejected; `message`
/// names the field by its dotted path, e.g. `tlogs[1].publicKey.validFor.start is missing`.
struct ProtoJSONError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = UntrustedText.escaped(message) }
}

/// One object of a protobuf-JSON document (proto3 JSON mapping), read strictly: lowerCamelCase
/// names only, unknown members rejected, `bytes` as standard padded base64, 64-bit integers as
/// decimal strings (or JSON integers), timestamps as RFC 3339. A member whose value is JSON `null`
/// counts as absent, as the proto3 JSON mapping says.
struct ProtoJSONObject {
    let path: String
    let members: [String: JSONValue]

    init(_ value: JSONValue?, path: String) throws(ProtoJSONError) {
        guard let value, value != .null else { throw ProtoJSONError("\(path) is missing") }
        guard case .object(let all) = value else {
            throw ProtoJSONError(path.isEmpty ? "the document must be a JSON object" : "\(path) must be an object")
        }
        self.path = path
        members = all.filter { $0.value != .null }
    }

    /// Parses `bytes` as a JSON text whose top level is an object.
    static func document(_ bytes: some Collection<UInt8>) throws(ProtoJSONError) -> ProtoJSONObject {
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch { throw ProtoJSONError("not valid JSON: \(error)") }
        return try ProtoJSONObject(value, path: "")
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { members[key] != nil }

    /// Rejects members not in `known`, naming the first unknown one in sorted order.
    func rejectUnknown(_ known: Set<String>) throws(ProtoJSONError) {
        if let extra = members.keys.filter({ !known.contains($0) }).sorted(by: CanonicalJSON.precedes).first {
            throw ProtoJSONError("unknown field \(JSONError.quoted(fieldPath(extra)))")
        }
    }

    func object(_ key: String) throws(ProtoJSONError) -> ProtoJSONObject {
        try ProtoJSONObject(members[key], path: fieldPath(key))
    }

    func optionalObject(_ key: String) throws(ProtoJSONError) -> ProtoJSONObject? {
        has(key) ? try object(key) : nil
    }

    func string(_ key: String) throws(ProtoJSONError) -> String {
        guard let value = members[key] else { throw ProtoJSONError("\(fieldPath(key)) is missing") }
        guard case .string(let s) = value else { throw ProtoJSONError("\(fieldPath(key)) must be a string") }
        return s
    }

    func optionalString(_ key: String) throws(ProtoJSONError) -> String? {
        has(key) ? try string(key) : nil
    }

    /// A repeated field; absent means empty.
    func array(_ key: String) throws(ProtoJSONError) -> [JSONValue] {
        guard let value = members[key] else { return [] }
        guard case .array(let elements) = value else { throw ProtoJSONError("\(fieldPath(key)) must be an array") }
        return elements
    }

    /// The objects of a repeated message field, each with its indexed path.
    func objects(_ key: String) throws(ProtoJSONError) -> [ProtoJSONObject] {
        var result: [ProtoJSONObject] = []
        for (i, element) in try array(key).enumerated() {
            result.append(try ProtoJSONObject(element, path: "\(fieldPath(key))[\(i)]"))
        }
        return result
    }

    func bytes(_ key: String) throws(ProtoJSONError) -> [UInt8] {
        let text = try string(key)
        guard let bytes = Self.decodeBase64(text) else { throw ProtoJSONError("\(fieldPath(key)) is not valid base64") }
        return bytes
    }

    /// The proto3 JSON mapping accepts standard or URL-safe base64, padded or not; Go's decoder
    /// (protojson, which wrote many real bundles) also skips line breaks, as MIME writers emit them.
    /// Any other character is an error.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        if let bytes = StrictBase64.decode(text) { return bytes }
        var normalized = String(text.unicodeScalars.compactMap { c -> Character? in
            switch c {
            case "\r", "\n": nil
            case "-": "+"
            case "_": "/"
            default: Character(c)
            }
        })
        switch normalized.utf8.count % 4 {
        case 2: normalized += "=="
        case 3: normalized += "="
        case 1: return nil
        default: break
        }
        return Data(base64Encoded: normalized).map(Array.init)
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

    func timestamp(_ key: String) throws(ProtoJSONError) -> Date {
        let text = try string(key)
        guard let date = RFC3339.parse(text) else { throw ProtoJSONError("\(fieldPath(key)) is not an RFC 3339 timestamp") }
        return date
    }
}
