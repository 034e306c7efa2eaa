import Foundation

/// The rules for text a certificate authority copies from a token into a certificate, so that
/// what is certified reads as exactly one identity (issue: look-alike identities).
///
/// Refused: control characters (C0, DEL, C1), invisible format and bidirectional-override
/// characters (which can make one identity display as another), and text that is not in Unicode
/// Normalization Form C. NFC is unique per canonical-equivalence class, so two certifiable values
/// that are canonically equivalent are byte-identical: `\u{212A}ate` (KELVIN SIGN) and `e` + U+0301
/// are refused, `Kate` and `é` (U+00E9) are not. URL-shaped values must also be ASCII.
public enum CertifiableText {
    /// Why `text` cannot be certified, or `nil` when it can.
    public static func problem(in text: String, asciiOnly: Bool) -> String? {
        var isASCII = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
                return "contains the control character U+\(hex(value))"
            }
            if isInvisibleFormat(value) { return "contains the invisible formatting character U+\(hex(value))" }
            if value >= 0x80 { isASCII = false }
        }
        if isASCII { return nil }
        if asciiOnly { return "must be ASCII" }
        // Only non-ASCII text can be outside NFC; checking it here keeps the common case cheap.
        guard text.precomposedStringWithCanonicalMapping.isExactly(text) else {
            return "is not in Unicode normalization form C (it has a canonically equivalent look-alike)"
        }
        return nil
    }

    /// Zero-width characters, bidirectional marks, embeddings, overrides and isolates, and the BOM.
    private static func isInvisibleFormat(_ value: UInt32) -> Bool {
        (0x200B...0x200F).contains(value) || (0x202A...0x202E).contains(value) || (0x2060...0x2069).contains(value)
            || value == 0xFEFF || value == 0x061C || value == 0x00AD
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
