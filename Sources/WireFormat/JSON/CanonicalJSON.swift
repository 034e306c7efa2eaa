/// RFC 8785 JSON Canonicalization Scheme (JCS): the byte form Sigstore hashes and signs (Rekor
/// bodies, SET payloads).
///
/// - Objects: members sorted by the UTF-16 code units of their names (§3.2.3), no whitespace.
/// - Strings (§3.2.2.2): `"` and `\` escaped with a backslash; U+0008, U+0009, U+000A, U+000C,
///   U+000D as `\b \t \n \f \r`; other controls below U+0020 as `\u00xx` (lowercase hex);
///   everything else, including `/` and non-ASCII, written as UTF-8.
/// - Numbers (§3.2.2.3): ECMAScript `Number.prototype.toString` (see `ECMAScriptNumber`).
///   ``JSONValue/integer(_:)`` values within ±2^53 print as plain integers; larger ones are
///   formatted as the nearest `Double`, exactly as a JCS implementation reading them would.
public enum CanonicalJSON {
    /// The JCS bytes of `value`.
    ///
    /// - Precondition: every ``JSONValue/number(_:)`` is finite. The parser never produces NaN or
    ///   infinities; building one by hand is a programming error and traps.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// The UTF-16 code-unit order JCS sorts member names by (RFC 8785 §3.2.3).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        // Byte by byte while the names agree: where they first differ in two ASCII bytes, those are
        // whole characters after an identical prefix, so they decide the UTF-16 order too (names
        // here are nearly always ASCII). Any other first difference is settled in UTF-16, since
        // UTF-8 order puts U+E000...U+FFFF before the supplementary planes and UTF-16 does not.
        var x = a.utf8.makeIterator(), y = b.utf8.makeIterator()
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case let (p?, q?) where p == q: continue
            case let (p?, q?) where p < 0x80 && q < 0x80: return p < q
            default: return a.utf16.lexicographicallyPrecedes(b.utf16)
            }
        }
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .string(let s):
            writeString(s, into: &out)
        case .integer(let i):
            if i.magnitude <= 1 << 53 {
                out.append(contentsOf: String(i).utf8)
            } else {
                out.append(contentsOf: ECMAScriptNumber.string(Double(i)).utf8)
            }
        case .number(let d):
            precondition(d.isFinite, "CanonicalJSON: JCS cannot represent \(d)")
            out.append(contentsOf: ECMAScriptNumber.string(d).utf8)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, member) in members.sorted(by: { precedes($0.key, $1.key) }).enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = s
        // Copy runs of bytes that need no escaping in one go: strings here are mostly long base64
        // and PEM, and a per-byte append was a visible share of every log and CA request.
        text.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                // Eight bytes at a time while none of them needs escaping (base64 and hex never do).
                if index + 8 <= bytes.count,
                   !mayNeedEscape(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let end = min(index + 8, bytes.count)
                while index < end {
                    let byte = bytes[index]
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                        appendEscape(byte, into: &out)
                        runStart = index + 1
                    }
                    index += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `word` may be a control character, `"` or `\`: never false
    /// when one is (the classic test for a zero byte, applied to `word`, to `word` xor `"` and to
    /// `word` xor `\`), sometimes true when none is, which only sends those bytes the slow way.
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        return control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs) != 0
    }

    /// RFC 8785 §3.2.2.2: the short escapes where JSON has them, `\u00XX` (lowercase) otherwise.
    private static func appendEscape(_ byte: UInt8, into out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: "\\u00".utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
    }
}
