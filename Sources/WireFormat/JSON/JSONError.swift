/// Why a byte string is not a JSON text `JSONValue(parsing:)` accepts, and where: `offset` is the
/// index of the offending byte in the input (the input's length if it ended too early).
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, testable by case.
    public enum Reason: Equatable, Sendable {
        /// The input is empty or only whitespace.
        case emptyInput
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue a value here (includes comments, trailing commas,
        /// single quotes, bare words such as `NaN`).
        case unexpectedByte(UInt8)
        /// A number that breaks the RFC 8259 grammar, e.g. a leading zero or a bare `.`.
        case invalidNumber(String)
        /// A number too large for a finite `Double`.
        case numberOutOfRange
        /// An unescaped control character (below U+0020) inside a string.
        case controlCharacterInString(UInt8)
        /// A backslash escape RFC 8259 does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` escape of a UTF-16 surrogate that is not half of a valid pair.
        case loneSurrogate
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// An object names the same member twice.
        case duplicateKey(String)
        /// A non-ASCII member name canonically equivalent to an ASCII one, which could stand in
        /// for it in a lookup (`public\u{212A}ey` for `publicKey`).
        case lookAlikeMemberName(String)
        /// Arrays and objects nest deeper than the limit.
        case tooDeep(limit: Int)
        /// Something other than whitespace follows the value.
        case trailingData
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String = switch reason {
        case .emptyInput: "empty input"
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let b):
            (0x21...0x7E).contains(b) ? "unexpected character '\(Character(Unicode.Scalar(b)))'"
                : "unexpected byte 0x\(String(b, radix: 16))"
        case .invalidNumber(let why): "invalid number: \(why)"
        case .numberOutOfRange: "number out of range"
        case .controlCharacterInString(let b): "unescaped control character 0x\(String(b, radix: 16)) in string"
        case .invalidEscape: "invalid escape sequence"
        case .loneSurrogate: "unpaired UTF-16 surrogate in \\u escape"
        case .invalidUTF8: "invalid UTF-8"
        case .duplicateKey(let key): "duplicate member name \(JSONError.quoted(key))"
        case .lookAlikeMemberName(let key): "member name \(JSONError.quoted(key)) is a look-alike of an ASCII name"
        case .tooDeep(let limit): "nesting deeper than \(limit)"
        case .trailingData: "data after the JSON value"
        }
        return "invalid JSON at byte \(offset): \(what)"
    }

    /// `s` as a JSON string literal, cut short if long: safe to put in a log line or error message.
    /// The same escaping as `UntrustedText.quoted` (which also escapes bidi overrides, U+2028 and
    /// C1 controls, that JSON itself would let through).
    public static func quoted(_ s: String, limit: Int = 64) -> String {
        UntrustedText.quoted(s, limit: limit)
    }
}
