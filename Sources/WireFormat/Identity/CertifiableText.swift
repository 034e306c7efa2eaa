import Foundation

/// The rules for text a certificate authority copies from a token into a certificate, so that
/// what is certified reads as exactly one identity (issue: look-alike identities).
///
/// Refused: every character `UntrustedText` would escape (controls, invisible format and
/// bidirectional-override characters, which can make one identity display as another, spaces
/// other than U+0020, private-use and unassigned code points), and text that is not in Unicode
/// Normalization Form C. NFC is unique per canonical-equivalence class, so two certifiable values
/// that are canonically equivalent are byte-identical: `\u{212A}ate` (KELVIN SIGN) and `e` + U+0301
/// are refused, `Kate` and `é` (U+00E9) are not. URL-shaped values must also be ASCII.
public enum CertifiableText {
    /// Why `text` cannot be certified, or `nil` when it can.
    public static func problem(in text: String, asciiOnly: Bool) -> String? {
        var isASCII = true
        for scalar in text.unicodeScalars {
            // One classifier with the escaping of error messages: what could not be shown as
            // itself there (controls, format and bidi characters, odd spaces, private use,
            // unassigned) cannot be certified either.
            guard UntrustedText.isPrinting(scalar) else {
                return "contains the non-printing character U+\(hex(scalar.value))"
            }
            if !scalar.isASCII { isASCII = false }
        }
        if isASCII { return nil }
        if asciiOnly { return "must be ASCII" }
        // Only non-ASCII text can be outside NFC; checking it here keeps the common case cheap.
        guard text.precomposedStringWithCanonicalMapping.isExactly(text) else {
            return "is not in Unicode normalization form C (it has a canonically equivalent look-alike)"
        }
        return nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
