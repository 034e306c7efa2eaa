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

        let (digits, n) = shortestDigits(value)
        let k = digits.count
        var out = ""
        if k <= n && n <= 21 {
            out += digits
            out += String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += digits.prefix(n)
            out += "."
            out += digits.dropFirst(n)
        } else if -6 < n && n <= 0 {
            out += "0."
            out += String(repeating: "0", count: -n)
            out += digits
        } else {
            let exponent = n - 1
            out += digits.prefix(1)
            if k > 1 {
                out += "."
                out += digits.dropFirst()
            }
            out += exponent < 0 ? "e-" : "e+"
            out += String(exponent.magnitude)
        }
        return out
    }

    /// The shortest round-tripping decimal digits of a positive finite `value` (no leading or
    /// trailing zeros) and the decimal exponent `n` with `value = 0.digits × 10^n`.
    ///
    /// Swift's `description` of a `Double` already prints the shortest digits that round-trip,
    /// choosing the one closest to the exact value when several are equally short — the digit
    /// string ECMAScript requires. Only its layout differs, so it is taken apart here.
    private static func shortestDigits(_ value: Double) -> (digits: String, n: Int) {
        let text = value.description  // e.g. "5e-324", "1.7976931348623157e+308", "0.001", "100.0"
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerPart = pieces[0]
        let fractionPart = pieces.count == 2 ? pieces[1] : ""
        var digits = Substring(integerPart + fractionPart)
        var pointPosition = integerPart.count
        while digits.first == "0" {
            digits = digits.dropFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        precondition(!digits.isEmpty && digits.allSatisfy(\.isASCII), "ECMAScriptNumber: bad math on \(text)")
        return (String(digits), pointPosition + exponent)
    }
}
