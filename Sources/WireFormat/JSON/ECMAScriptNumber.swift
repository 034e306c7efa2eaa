/// ECMAScript `Number.prototype.toString` for finite doubles (ECMA-262 "Number::toString", radix
/// 10), the number form RFC 8785 §3.2.2.3 requires.
///
/// With the shortest decimal digits `s` (k of them) and exponent `n` such that the value is
/// `s × 10^(n−k)` and the digits round-trip to the same double:
/// - `k ≤ n ≤ 21`: the digits, then `n − k` zeros (`1e21` → `"1e+21"` but `1e20` → `"100000000000000000000"`);
/// - `0 < n ≤ 21`: a decimal point after `n` digits;
/// - `−6 < n ≤ 0`: `"0."`, `−n` zeros, the digits (`0.000001` stays, `1e-7` → `"1e-7"`);
/// - otherwise exponential: `d[.ddd]e±(n−1)`.
/// Negative zero prints as `"0"`.
enum ECMAScriptNumber {
    static func string(_ value: Double) -> String {
        precondition(value.isFinite, "ECMAScriptNumber: \(value) is not finite")
        if value == 0 { return "0" }
        if value < 0 { return "-" + string(-value) }

        // Bytes, not `Character`s: servers print a number in every log line, and grapheme
        // breaking over digits was most of the line's cost.
        let zero = UInt8(ascii: "0")
        let (digits, n) = shortestDigits(value)
        let k = digits.count
        var out: [UInt8] = []
        out.reserveCapacity(k + 8)
        if k <= n && n <= 21 {
            out += digits
            out += repeatElement(zero, count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits[..<n]
            out.append(UInt8(ascii: "."))
            out += digits[n...]
        } else if -6 < n && n <= 0 {
            out += "0.".utf8
            out += repeatElement(zero, count: -n)
            out += digits
        } else {
            let exponent = n - 1
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            out += (exponent < 0 ? "e-" : "e+").utf8
            out += String(exponent.magnitude).utf8
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The shortest round-tripping decimal digits of a positive finite `value` (ASCII, no leading
    /// or trailing zeros) and the decimal exponent `n` with `value = 0.digits × 10^n`.
    ///
    /// Swift's `description` of a `Double` already prints the shortest digits that round-trip,
    /// choosing the one closest to the exact value when several are equally short — the digit
    /// string ECMAScript requires. Only its layout differs, so it is taken apart here.
    private static func shortestDigits(_ value: Double) -> (digits: [UInt8], n: Int) {
        let text = Array(value.description.utf8)  // e.g. "5e-324", "1.7976931348623157e+308", "0.001", "100.0"
        let e = text.firstIndex(of: UInt8(ascii: "e")) ?? text.endIndex
        let exponent = e < text.endIndex ? Int(String(decoding: text[(e + 1)...], as: UTF8.self))! : 0
        let point = text[..<e].firstIndex(of: UInt8(ascii: ".")) ?? e
        let digits = Array(text[..<point]) + (point < e ? Array(text[(point + 1)..<e]) : [])
        var first = 0
        var pointPosition = point
        while first < digits.count, digits[first] == UInt8(ascii: "0") {
            first += 1
            pointPosition -= 1
        }
        var end = digits.count
        while end > first, digits[end - 1] == UInt8(ascii: "0") { end -= 1 }
        precondition(first < end && digits[first..<end].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) },
                     "ECMAScriptNumber: bad math on \(String(decoding: text, as: UTF8.self))")
        return (Array(digits[first..<end]), pointPosition + exponent)
    }
}
