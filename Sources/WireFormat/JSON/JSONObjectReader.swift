/// One JSON object read strictly, field by field: a missing, mistyped or unknown member is an error
/// naming the field by its dotted path (`spec.signature.content`, `tlogs[1].publicKey.rawBytes`).
///
/// The one strict object reader of the code base. Every format that reads outside JSON into its own
/// types (Rekor entries, bundles, trusted roots, signing configurations) reads it through this type
/// over ``JSONValue(parsing:)``, never through `Codable`: `JSONDecoder` lets duplicate member names,
/// look-alike names and unknown members through silently, and its errors do not name the field.
/// It is generic over the error it throws so that each format keeps its own error type; `makeError`
/// turns a message into that error.
///
/// A member whose value is JSON `null` counts as absent, as Go decoders and the proto3 JSON mapping
/// treat it: real clients (sigstore-python's pydantic models) send `"signatures": null` for fields
/// they leave out.
public struct JSONObjectReader<Failure: Error> {
    /// The dotted path of this object in the document, `""` for the top level.
    public let path: String
    /// The members whose value is not `null`.
    public let members: [String: JSONValue]
    private let makeError: (String) -> Failure

    /// Reads `value` as an object. `documentName` names the top level in errors ("the entry").
    public init(_ value: JSONValue?, path: String, documentName: String = "the document",
                error makeError: @escaping (String) -> Failure) throws(Failure) {
        guard let value, value != .null else {
            throw makeError(path.isEmpty ? "\(documentName) must be a JSON object" : "\(path) is missing")
        }
        guard case .object(let all) = value else {
            throw makeError(path.isEmpty ? "\(documentName) must be a JSON object" : "\(path) must be an object")
        }
        self.path = path
        self.members = all.filter { $0.value != .null }
        self.makeError = makeError
    }

    /// `key`'s dotted path below this object.
    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether `key` is present with a non-null value.
    public func has(_ key: String) -> Bool { members[key] != nil }

    /// Rejects members not in `known`, naming the first unknown one in sorted order.
    public func rejectUnknown(_ known: Set<String>) throws(Failure) {
        if let extra = members.keys.filter({ !known.contains($0) }).sorted(by: CanonicalJSON.precedes).first {
            throw makeError("unknown field \(JSONError.quoted(fieldPath(extra)))")
        }
    }

    /// The member `key` read as an object (required).
    public func object(_ key: String) throws(Failure) -> JSONObjectReader {
        try JSONObjectReader(members[key], path: fieldPath(key), error: makeError)
    }

    /// The member `key` read as an object, or nil when absent.
    public func optionalObject(_ key: String) throws(Failure) -> JSONObjectReader? {
        has(key) ? try object(key) : nil
    }

    /// The string member `key` (required).
    public func string(_ key: String) throws(Failure) -> String {
        guard let value = members[key] else { throw makeError("\(fieldPath(key)) is missing") }
        guard case .string(let s) = value else { throw makeError("\(fieldPath(key)) must be a string") }
        return s
    }

    /// The string member `key`, or nil when absent.
    public func optionalString(_ key: String) throws(Failure) -> String? {
        has(key) ? try string(key) : nil
    }

    /// The string member `key`, which must be present and non-empty.
    public func nonEmptyString(_ key: String) throws(Failure) -> String {
        let s = try string(key)
        guard !s.isEmpty else { throw makeError("\(fieldPath(key)) is empty") }
        return s
    }

    /// The array member `key` (required).
    public func array(_ key: String) throws(Failure) -> [JSONValue] {
        guard has(key) else { throw makeError("\(fieldPath(key)) is missing") }
        return try repeated(key)
    }

    /// A repeated field (proto3): the array member `key`, where absent means empty.
    public func repeated(_ key: String) throws(Failure) -> [JSONValue] {
        guard let value = members[key] else { return [] }
        guard case .array(let elements) = value else { throw makeError("\(fieldPath(key)) must be an array") }
        return elements
    }

    /// The objects of the repeated field `key` (absent means none), each with its indexed path.
    public func objects(_ key: String) throws(Failure) -> [JSONObjectReader] {
        var result: [JSONObjectReader] = []
        for (i, element) in try repeated(key).enumerated() {
            result.append(try JSONObjectReader(element, path: "\(fieldPath(key))[\(i)]", error: makeError))
        }
        return result
    }
}
