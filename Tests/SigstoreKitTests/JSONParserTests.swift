import SigstoreKit
import Testing
import WireFormat

/// One input the parser must reject, with the exact reason and byte offset.
struct RejectedJSON: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let error: JSONError

    init(_ name: String, _ input: String, _ reason: JSONError.Reason, at offset: Int) {
        self.init(name, Array(input.utf8), reason, at: offset)
    }

    init(_ name: String, _ input: [UInt8], _ reason: JSONError.Reason, at offset: Int) {
        self.name = name
        self.input = input
        self.error = JSONError(reason, at: offset)
    }

    var testDescription: String { name }
}

@Suite("strict JSON parser (RFC 8259)")
struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue(parsing: Array(text.utf8)) }

    @Test("values of every type")
    func values() throws {
        let value = try Self.parse(#" { "a" : [ 1, -2.5, true, false, null, "x" ], "b" : { } , "c": [] } "#)
        #expect(value == ["a": [1, -2.5, true, false, nil, "x"], "b": [:], "c": []])
        #expect(value["a"]?[0]?.integerValue == 1)
        #expect(value["a"]?[1]?.numberValue == -2.5)
        #expect(value["a"]?[2]?.boolValue == true)
        #expect(value["a"]?[4]?.isNull == true)
        #expect(value["a"]?[5]?.stringValue == "x")
        #expect(value["a"]?[6] == nil)
        #expect(value["b"]?.objectValue == [:])
        #expect(value["c"]?.arrayValue == [])
        #expect(value["zz"] == nil)
        #expect(try Self.parse("\t\r\n 7 \n") == .integer(7))
        #expect(try Self.parse(#""top""#) == .string("top"))
        #expect(try Self.parse("null") == .null)
    }

    @Test("numbers: integers stay exact, everything else is a Double")
    func numbers() throws {
        #expect(try Self.parse("0") == .integer(0))
        #expect(try Self.parse("-0") == .integer(0))
        #expect(try Self.parse("9223372036854775807") == .integer(.max))
        #expect(try Self.parse("-9223372036854775808") == .integer(.min))
        #expect(try Self.parse("9223372036854775808") == .number(9223372036854775808))
        #expect(try Self.parse("1.0") == .number(1))
        #expect(try Self.parse("1E2") == .number(100))
        #expect(try Self.parse("1e-2") == .number(0.01))
        #expect(try Self.parse("-0.0") == .number(-0.0))
        #expect(try Self.parse("1e+2") == .number(100))
        #expect(try Self.parse("1e-400") == .number(0))
    }

    @Test("strings: escapes, surrogate pairs, raw UTF-8")
    func strings() throws {
        #expect(try Self.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{c}\n\r\t"))
        #expect(try Self.parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try Self.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try Self.parse("\"é€😀\u{7f}\"") == .string("é€😀\u{7f}"))
        // A plain ASCII run, then an escape or a multi-byte character: the run is kept.
        #expect(try Self.parse(#""plain ascii\nafter""#) == .string("plain ascii\nafter"))
        #expect(try Self.parse("\"plain é after\"") == .string("plain é after"))
        #expect(try Self.parse(#""""#) == .string(""))
        #expect(throws: JSONError(.unexpectedEnd, at: 6)) { try Self.parse(#""plain"#) }
        #expect(throws: JSONError(.controlCharacterInString(0x01), at: 6)) { try JSONValue(parsing: Array("\"plain\u{1}\"".utf8)) }
        // Strings keep their exact scalars (no Unicode normalization).
        #expect(try Self.parse(#""e\u0301""#).stringValue?.unicodeScalars.count == 2)
    }

    @Test("nesting up to the limit is accepted")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try Self.parse(deep) }
        let objects = String(repeating: #"{"a":"#, count: 63) + "[]" + String(repeating: "}", count: 63)
        #expect(throws: Never.self) { try Self.parse(objects) }
        #expect(throws: JSONError(.tooDeep(limit: 2), at: 2)) { try JSONValue(parsing: Array("[[[]]]".utf8), limits: JSONLimits(maxDepth: 2)) }
    }

    static let rejections: [RejectedJSON] = [
        RejectedJSON("empty input", "", .emptyInput, at: 0),
        RejectedJSON("only whitespace", " \n ", .emptyInput, at: 3),
        RejectedJSON("trailing comma in array", "[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3),
        RejectedJSON("trailing comma in object", #"{"a":1,}"#, .unexpectedByte(UInt8(ascii: "}")), at: 7),
        RejectedJSON("leading zero", "01", .invalidNumber("leading zero"), at: 0),
        RejectedJSON("negative leading zero", "[-012]", .invalidNumber("leading zero"), at: 1),
        RejectedJSON("missing fraction digits", "1.", .invalidNumber("expected a digit after '.'"), at: 2),
        RejectedJSON("missing exponent digits", "1e+", .invalidNumber("expected a digit in the exponent"), at: 3),
        RejectedJSON("leading dot", ".5", .unexpectedByte(UInt8(ascii: ".")), at: 0),
        RejectedJSON("plus sign", "+1", .unexpectedByte(UInt8(ascii: "+")), at: 0),
        RejectedJSON("bare NaN", "NaN", .unexpectedByte(UInt8(ascii: "N")), at: 0),
        RejectedJSON("Infinity", "[Infinity]", .unexpectedByte(UInt8(ascii: "I")), at: 1),
        RejectedJSON("-Infinity", "-Infinity", .invalidNumber("expected a digit after '-'"), at: 1),
        RejectedJSON("hex number", "0x10", .trailingData, at: 1),
        RejectedJSON("number too large", "1e400", .numberOutOfRange, at: 0),
        RejectedJSON("lone high surrogate", #""\ud800""#, .loneSurrogate, at: 1),
        RejectedJSON("lone low surrogate", #""a\udc00""#, .loneSurrogate, at: 2),
        RejectedJSON("high surrogate then non-surrogate", #""\ud800\u0041""#, .loneSurrogate, at: 1),
        RejectedJSON("two high surrogates", #""\ud800\ud800""#, .loneSurrogate, at: 1),
        RejectedJSON("invalid UTF-8 continuation", [0x22, 0xC3, 0x28, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("overlong UTF-8", [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("overlong 3-byte UTF-8", [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("UTF-8 above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("truncated UTF-8", [0x22, 0xE2, 0x82], .invalidUTF8, at: 1),
        RejectedJSON("stray continuation byte", [0x22, 0x80, 0x22], .invalidUTF8, at: 1),
        RejectedJSON("byte order mark", [0xEF, 0xBB, 0xBF, 0x31], .unexpectedByte(0xEF), at: 0),
        RejectedJSON("non-ASCII outside strings", [0x5B, 0xC3, 0xA9, 0x5D], .unexpectedByte(0xC3), at: 1),
        RejectedJSON("duplicate key", #"{"a":1,"a":2}"#, .duplicateKey("a"), at: 7),
        RejectedJSON("duplicate key spelled with an escape", #"{"a":1,"\u0061":2}"#, .duplicateKey("a"), at: 7),
        RejectedJSON("depth 65", String(repeating: "[", count: 65) + String(repeating: "]", count: 65), .tooDeep(limit: 64), at: 64),
        RejectedJSON("trailing garbage", "{} x", .trailingData, at: 3),
        RejectedJSON("two values", "1 2", .trailingData, at: 2),
        RejectedJSON("line comment", "// c\n1", .unexpectedByte(UInt8(ascii: "/")), at: 0),
        RejectedJSON("block comment", "[1 /* c */]", .unexpectedByte(UInt8(ascii: "/")), at: 3),
        RejectedJSON("single quotes", "'a'", .unexpectedByte(UInt8(ascii: "'")), at: 0),
        RejectedJSON("unquoted key", "{a:1}", .unexpectedByte(UInt8(ascii: "a")), at: 1),
        RejectedJSON("raw tab in string", "\"a\tb\"", .controlCharacterInString(0x09), at: 2),
        RejectedJSON("raw newline in string", "\"a\nb\"", .controlCharacterInString(0x0A), at: 2),
        RejectedJSON("unknown escape", #""\x41""#, .invalidEscape, at: 1),
        RejectedJSON("short unicode escape", #""\u12G4""#, .invalidEscape, at: 5),
        RejectedJSON("truncated literal", "tru", .unexpectedEnd, at: 3),
        RejectedJSON("misspelled literal", "nul1", .unexpectedByte(UInt8(ascii: "1")), at: 3),
        RejectedJSON("capitalised literal", "True", .unexpectedByte(UInt8(ascii: "T")), at: 0),
        RejectedJSON("missing comma", "[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3),
        RejectedJSON("missing colon", #"{"a" 1}"#, .unexpectedByte(UInt8(ascii: "1")), at: 5),
        RejectedJSON("unterminated string", #""abc"#, .unexpectedEnd, at: 4),
        RejectedJSON("unterminated array", "[", .unexpectedEnd, at: 1),
        RejectedJSON("unterminated object", #"{"a":1"#, .unexpectedEnd, at: 6),
        RejectedJSON("vertical tab as whitespace", "\u{b}1", .unexpectedByte(0x0B), at: 0),
    ]

    @Test(arguments: rejections)
    func rejects(_ rejected: RejectedJSON) {
        #expect(throws: rejected.error) { try JSONValue(parsing: rejected.input) }
    }

    @Test("errors say what and where")
    func errorDescription() {
        #expect(JSONError(.duplicateKey("a\"b"), at: 7).description == #"invalid JSON at byte 7: duplicate member name "a\"b""#)
        #expect(JSONError(.unexpectedByte(UInt8(ascii: "]")), at: 3).description == "invalid JSON at byte 3: unexpected character ']'")
        #expect(JSONError(.unexpectedByte(0xEF), at: 0).description == "invalid JSON at byte 0: unexpected byte 0xef")
        #expect(JSONError(.tooDeep(limit: 64), at: 64).description == "invalid JSON at byte 64: nesting deeper than 64")
    }
}
