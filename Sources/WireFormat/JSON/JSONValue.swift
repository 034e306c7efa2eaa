// JSON in SigstoreKit
//
// - RFC 8259 (The JavaScript Object Notation Data Interchange Format): `JSONValue` and its strict
//   parser (`JSONValue(parsing:)`, implemented in `JSONParser`). Anything RFC 8259 does not allow
//   is rejected, and so are duplicate member names and nesting deeper than `JSONLimits.maxDepth`.
// - RFC 8785 (JSON Canonicalization Scheme, JCS): `CanonicalJSON.encode`, with ECMAScript number
//   formatting in `ECMAScriptNumber`. Sigstore's "canonical JSON" (Rekor bodies, SET payloads)
//   is exactly this.
//
// Nothing here performs I/O.

/// A parsed JSON value (RFC 8259).
///
/// Numbers written without a fraction or exponent that fit in `Int64` parse as ``integer(_:)``;
/// every other number parses as ``number(_:)`` (a finite `Double`). Objects keep their members in
/// a dictionary: the parser rejects duplicate member names, so nothing is lost. Because Swift
/// compares strings by Unicode canonical equivalence, two member names that differ only in
/// normalization (`"\u00e9"` and `"e\u0301"`) count as duplicates and are rejected too; so is a
/// non-ASCII name equivalent to an ASCII one (`"\u212a"`, KELVIN SIGN, for `"K"`), and the
/// subscript only finds a member whose name is byte-identical to the one asked for.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case string(String)
    case integer(Int64)
    case number(Double)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes` as exactly one JSON text (RFC 8259 §2), strictly: no trailing commas, no
    /// comments, no leading zeros, valid UTF-8 only (no byte order mark), escapes including
    /// surrogate pairs (lone surrogates are rejected), no duplicate member names, nesting at most
    /// `limits.maxDepth` deep, and nothing but whitespace after the value.
    public init(parsing bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(JSONError) {
        self = try JSONParser.parse(Array(bytes), limits: limits)
    }

    /// The member named `key` if this is an object that has one.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self, let index = members.index(forKey: key),
              members[index].key.isExactly(key) else { return nil }
        return members[index].value
    }

    /// The element at `index` if this is an array that long.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The string, if this is a string.
    public var stringValue: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// The integer, if this is a number written as an integer that fits in `Int64`.
    public var integerValue: Int64? {
        guard case .integer(let i) = self else { return nil }
        return i
    }

    /// The number as a `Double`, for ``integer(_:)`` and ``number(_:)`` alike.
    public var numberValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }

    /// The Boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        guard case .bool(let b) = self else { return nil }
        return b
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Duplicate keys in a literal are a programming error and trap.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}
