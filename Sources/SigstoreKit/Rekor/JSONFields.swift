import WireFormat

/// A Rekor entry object read strictly (WireFormat's one ``JSONObjectReader``), throwing
/// ``EntryError/Code/malformed`` with the dotted path of the field (`spec.signature.content`).
typealias JSONFields = JSONObjectReader<EntryError>

extension JSONObjectReader where Failure == EntryError {
    /// `value` must be an object; `path` names it in errors ("" for the top level).
    init(_ value: JSONValue?, path: String) throws(EntryError) {
        try self.init(value, path: path, documentName: "the entry", error: EntryError.malformed)
    }

    /// Decodes a non-empty base64 string field. Rekor v1 (Go's `encoding/base64` StdEncoding)
    /// writes canonical padded base64 and the entry is canonicalised from these bytes, so this is
    /// ``StrictBase64``: one spelling per value.
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
        guard let algorithm = HashAlgorithm.allCases.first(where: { $0.rawValue.isExactly(name) }), allowed.contains(algorithm) else {
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
