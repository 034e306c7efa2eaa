/// Reads one JSON object of a Rekor entry strictly: named errors for missing, mistyped and
/// unknown fields, with the dotted path of the field (`spec.signature.content`).
struct JSONFields {
    let path: String
    let members: [String: JSONValue]

    /// `value` must be an object; `path` names it in errors ("" for the top level).
    init(_ value: JSONValue?, path: String) throws(EntryError) {
        guard let value else { throw .malformed("\(path) is missing") }
        guard case .object(let members) = value else {
            throw .malformed(path.isEmpty ? "the entry must be a JSON object" : "\(path) must be an object")
        }
        self.path = path
        // A JSON null reads as an absent field, as Go and protobuf decoders treat it: real clients
        // (sigstore-python's pydantic models) send `"signatures": null` for fields they leave out.
        self.members = members.filter { $0.value != .null }
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects members not in `known`, naming the first unknown one in sorted order.
    func rejectUnknown(_ known: Set<String>) throws(EntryError) {
        if let extra = members.keys.filter({ !known.contains($0) }).sorted(by: CanonicalJSON.precedes).first {
            throw .malformed("unknown field \(JSONError.quoted(fieldPath(extra)))")
        }
    }

    func contains(_ key: String) -> Bool { members[key] != nil }

    func object(_ key: String) throws(EntryError) -> JSONFields {
        try JSONFields(members[key], path: fieldPath(key))
    }

    func string(_ key: String) throws(EntryError) -> String {
        guard let value = members[key] else { throw .malformed("\(fieldPath(key)) is missing") }
        guard case .string(let s) = value else { throw .malformed("\(fieldPath(key)) must be a string") }
        return s
    }

    /// A string that must not be empty.
    func nonEmptyString(_ key: String) throws(EntryError) -> String {
        let s = try string(key)
        guard !s.isEmpty else { throw .malformed("\(fieldPath(key)) is empty") }
        return s
    }

    func optionalString(_ key: String) throws(EntryError) -> String? {
        guard members[key] != nil else { return nil }
        return try string(key)
    }

    func array(_ key: String) throws(EntryError) -> [JSONValue] {
        guard let value = members[key] else { throw .malformed("\(fieldPath(key)) is missing") }
        guard case .array(let elements) = value else { throw .malformed("\(fieldPath(key)) must be an array") }
        return elements
    }

    /// Decodes a non-empty strict base64 string field.
    func base64(_ key: String) throws(EntryError) -> (text: String, bytes: [UInt8]) {
        let text = try nonEmptyString(key)
        guard let bytes = StrictBase64.decode(text) else {
            throw .malformed("\(fieldPath(key)) is not valid base64")
        }
        return (text, bytes)
    }

    /// Reads `{"algorithm": ..., "value": <lowercase hex>}` and checks the length for the algorithm.
    func hash(_ key: String, allowed: [HashAlgorithm]) throws(EntryError) -> (algorithm: HashAlgorithm, digest: [UInt8]) {
        let fields = try object(key)
        try fields.rejectUnknown(["algorithm", "value"])
        let name = try fields.string("algorithm")
        guard let algorithm = HashAlgorithm(rawValue: name), allowed.contains(algorithm) else {
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            throw .malformed("\(fields.fieldPath("algorithm")) must be one of \(list), not \(JSONError.quoted(name))")
        }
        let value = try fields.string("value")
        guard let digest = LowercaseHex.decode(value), digest.count == algorithm.byteCount else {
            throw .malformed("\(fields.fieldPath("value")) must be \(algorithm.byteCount * 2) lowercase hex digits for \(algorithm.rawValue)")
        }
        return (algorithm, digest)
    }
}
