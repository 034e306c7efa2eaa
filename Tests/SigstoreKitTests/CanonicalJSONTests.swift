import SigstoreKit
import Testing
import WireFormat

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    static func canonical(_ json: String) throws -> String {
        String(decoding: CanonicalJSON.encode(try JSONValue(parsing: Array(json.utf8))), as: UTF8.self)
    }

    @Test("RFC 8785 §3.2.2 example")
    func rfcExample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        #expect(try Self.canonical(input)
            == #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    @Test("RFC 8785 §3.2.3: members sorted by UTF-16 code units, so 😀 (U+D83D…) sorts before U+FB33")
    func sorting() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
            + "\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try Self.canonical(input) == expected)
        #expect(CanonicalJSON.precedes("😀", "\u{fb33}"))
        #expect(!CanonicalJSON.precedes("\u{fb33}", "😀"))
        #expect(CanonicalJSON.precedes("a", "aa"))
        #expect(CanonicalJSON.precedes("B", "a"))
    }

    @Test("strings are escaped wherever the bytes to escape fall against the eight-byte steps")
    func escapesAtEveryOffset() {
        let specials: [(raw: String, escaped: String)] = [("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{1}", "\\u0001"), ("\u{1f}", "\\u001f")]
        for length in 0..<20 {
            for position in 0...length {
                for special in specials {
                    // Bytes either side of the class boundaries: space, DEL, 0x80 and up, `!` and `#`, `[` and `]`.
                    let filler = Array(" \u{7f}é!#[]abc012345678".unicodeScalars)
                    var raw = "", escaped = ""
                    for i in 0..<length {
                        if i == position { raw += special.raw; escaped += special.escaped }
                        let scalar = String(filler[(i * 7 + length) % filler.count])
                        raw += scalar
                        escaped += scalar
                    }
                    if position == length { raw += special.raw; escaped += special.escaped }
                    #expect(String(decoding: CanonicalJSON.encode(.string(raw)), as: UTF8.self) == "\"" + escaped + "\"", "\(Array(raw.utf8))")
                }
            }
        }
    }

    @Test("the byte-wise shortcut in `precedes` orders every pair as UTF-16 code units do")
    func precedesMatchesUTF16Order() {
        // Prefixes shared and not, ASCII against multi-byte at the first difference, and the code
        // points where UTF-8 and UTF-16 order disagree (U+E000...U+FFFF against the planes above).
        let pieces = ["a", "b", "B", "1", "\u{7f}", "\u{80}", "é", "e\u{301}", "€", "\u{d7ff}", "\u{e000}", "\u{fb33}", "\u{ffff}", "😀", "\u{10000}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let a = (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let b = (0..<Int.random(in: 0...4, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(CanonicalJSON.precedes(a, b) == a.utf16.lexicographicallyPrecedes(b.utf16), "\(Array(a.unicodeScalars)) vs \(Array(b.unicodeScalars))")
        }
    }

    @Test("string escaping: only \" and \\ and controls; \\u00xx in lowercase hex")
    func escaping() {
        var all = ""
        for scalar in 0..<0x20 { all.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let encoded = String(decoding: CanonicalJSON.encode(.string(all)), as: UTF8.self)
        #expect(encoded == #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f""#)
        let other = "\"\\/\u{7f}é\u{2028}😀 "
        #expect(CanonicalJSON.encode(.string(other)) == Array("\"\\\"\\\\/\u{7f}é\u{2028}😀 \"".utf8))
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ES6 strings (checked against Node 20).
    @Test("numbers: RFC 8785 Appendix B", arguments: [
        (0x0000000000000000, "0"), (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"), (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"), (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"), (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"), (0x44b52d02c7e14af6, "1e+23"), (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"), (0x444b1ae4d6e2ef4f, "999999999999999900000"), (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"), (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"), (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"), (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"), (0x43143ff3c1cb0959, "1424953923781206.2"),
    ] as [(UInt64, String)])
    func appendixB(bits: UInt64, expected: String) {
        #expect(CanonicalJSON.encode(.number(Double(bitPattern: bits))) == Array(expected.utf8))
    }

    @Test("numbers: ES6 boundaries between plain and exponential forms", arguments: [
        (1e21, "1e+21"), (1e20, "100000000000000000000"), (123456789e13, "1.23456789e+21"),
        (0.000001, "0.000001"), (1e-7, "1e-7"), (0.0000012, "0.0000012"), (1.2e-7, "1.2e-7"),
        (0.1, "0.1"), (0.30000000000000004, "0.30000000000000004"), (100, "100"), (1.5, "1.5"), (-1e-7, "-1e-7"),
        (123.456, "123.456"), (1e300 * 1.5, "1.5e+300"), (4.35, "4.35"),
    ] as [(Double, String)])
    func es6Forms(value: Double, expected: String) {
        #expect(String(decoding: CanonicalJSON.encode(.number(value)), as: UTF8.self) == expected)
    }

    @Test("numbers read back as the same Double, across the whole range")
    func numbersRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next())
            guard value.isFinite else { continue }
            let text = String(decoding: CanonicalJSON.encode(.number(value)), as: UTF8.self)
            #expect(Double(text) == (value == 0 ? 0 : value), "\(value) printed as \(text)")
            #expect(!text.contains(".e") && !text.hasSuffix(".") && !text.contains("e+0") && !text.contains("e-0"), "\(text)")
        }
    }

    @Test("integers print plainly within ±2^53 and as the nearest Double beyond")
    func integers() {
        #expect(CanonicalJSON.encode(.integer(0)) == Array("0".utf8))
        #expect(CanonicalJSON.encode(.integer(-42)) == Array("-42".utf8))
        #expect(CanonicalJSON.encode(.integer(1 << 53)) == Array("9007199254740992".utf8))
        #expect(CanonicalJSON.encode(.integer(-(1 << 53))) == Array("-9007199254740992".utf8))
        #expect(CanonicalJSON.encode(.integer(.max)) == Array("9223372036854776000".utf8))
        #expect(CanonicalJSON.encode(.integer(.min)) == Array("-9223372036854776000".utf8))
        #expect(CanonicalJSON.encode(.number(5)) == Array("5".utf8))
    }

    @Test("canonical text is a fixed point; structure, array order and empty containers survive")
    func fixedPoint() throws {
        let text = #"{"":[],"a":{"b":[3,2,1,{}],"c":null},"d":"x\ny","e":-0.5,"f":true}"#
        #expect(try Self.canonical(text) == text)
        #expect(try Self.canonical(#" { "f" : true , "e" : -5e-1 , "d" : "x\u000ay", "a" : { "c" : null, "b" : [ 3 , 2, 1, { } ] }, "" : [ ] } "#) == text)
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(try JSONValue(parsing: CanonicalJSON.encode(value)) == value)
    }
}
