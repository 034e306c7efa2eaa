/// Text that came from outside (a bundle, a certificate, a request, a server's reply), made safe
/// to put in an error message, a log line or a terminal. The one escaping function every error
/// type and the CLI use.
///
/// Why: a bundle field holding `"\r\u{1b}[2K\nVerified OK"` would otherwise erase the real error
/// on a terminal and draw a fake success line, and a 10 MB field would be printed whole. So every
/// non-printing scalar is escaped: C0 and C1 controls and DEL (general category Cc), format
/// characters such as the bidi overrides U+202A–U+202E and isolates U+2066–U+2069 and zero-width
/// joiners (Cf), U+2028/U+2029 (Zl, Zp), spaces other than U+0020 (Zs), private-use,
/// surrogate and unassigned code points. Echoed values are cut to a limit, with an ellipsis and
/// the total length, so the reader knows they were cut.
public enum UntrustedText {
    /// The most scalars of one echoed value (`quoted`).
    public static let valueLimit = 200
    /// The most scalars of a whole error message (`escaped`), a backstop for values interpolated
    /// without `quoted`.
    public static let messageLimit = 4096

    /// `text` as a double-quoted literal in JSON syntax (`"`, `\` and every non-printing scalar
    /// escaped, `\n`, `\r`, `\t` by name, others as `\u00XX` or a UTF-16 surrogate pair), cut
    /// after `limit` scalars: `"abc…" (10485760 bytes)`.
    public static func quoted(_ text: some StringProtocol, limit: Int = valueLimit) -> String {
        var out = "\""
        let isCut = append(text, to: &out, limit: limit, escapingQuotes: true)
        out += isCut ? "…\" (\(text.utf8.count) bytes)" : "\""
        return out
    }

    /// `text` with every non-printing scalar escaped as in `quoted`, but `"` and `\` kept, cut
    /// after `limit` scalars of output: for a whole message that may embed outside text. Text
    /// that is already safe and short comes back unchanged.
    public static func escaped(_ text: some StringProtocol, limit: Int = messageLimit) -> String {
        if text.utf8.count <= limit, text.unicodeScalars.allSatisfy(isPrinting) { return String(text) }
        var out = ""
        let isCut = append(text, to: &out, limit: limit, escapingQuotes: false)
        if isCut { out += "… (\(text.utf8.count) bytes)" }
        return out
    }

    /// Whether `scalar` shows as itself on a terminal and cannot move the cursor or reorder text.
    public static func isPrinting(_ scalar: Unicode.Scalar) -> Bool {
        // ASCII first: nearly all text is, and the category lookup is a table search.
        if scalar.isASCII { return scalar.value >= 0x20 && scalar.value != 0x7F }
        return switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: false
        case .spaceSeparator: false   // U+0020, the only printing space, is ASCII
        default: true
        }
    }

    /// Appends the escaped scalars of `text` until `limit` scalars of input (quoted) or output
    /// (escaped) are used; returns whether it stopped early. Only the kept prefix is escaped, so a
    /// 10 MB value costs a scan of `limit` scalars.
    private static func append(_ text: some StringProtocol, to out: inout String, limit: Int,
                               escapingQuotes: Bool) -> Bool {
        var used = 0
        for scalar in text.unicodeScalars {
            let piece = escape(scalar, escapingQuotes: escapingQuotes)
            let cost = escapingQuotes ? 1 : piece.unicodeScalars.count
            if used + cost > limit { return true }
            out += piece
            used += cost
        }
        return false
    }

    private static func escape(_ scalar: Unicode.Scalar, escapingQuotes: Bool) -> String {
        switch scalar {
        case "\"" where escapingQuotes: return "\\\""
        case "\\" where escapingQuotes: return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case _ where isPrinting(scalar): return String(scalar)
        default: return String(scalar).utf16.map { "\\u" + hex4($0) }.joined()
        }
    }

    private static func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
