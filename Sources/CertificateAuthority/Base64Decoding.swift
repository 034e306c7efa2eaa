import Foundation

/// Base64 decoders for the encodings that reach the CA.
enum Base64Decoding {
    /// Unpadded base64url (RFC 7515 §2). Padding, whitespace and the standard alphabet are
    /// rejected, so each JWS segment has exactly one spelling.
    static func base64URL(_ text: some StringProtocol) -> [UInt8]? {
        base64URL(utf8: text.utf8)
    }

    /// `base64URL` over the UTF-8 bytes of the text.
    static func base64URL(utf8 text: some Collection<UInt8>) -> [UInt8]? {
        // Byte-wise: every token is decoded on every certificate request, and String counting and
        // replacing was a visible share of issuance time.
        var standard = [UInt8]()
        standard.reserveCapacity(text.count + 3)
        for byte in text {
            guard isBase64URLSymbol(byte) else { return nil }
            standard.append(byte == 0x2D ? 0x2B : byte == 0x5F ? 0x2F : byte)   // '-' → '+', '_' → '/'
        }
        guard standard.count % 4 != 1 else { return nil }
        while standard.count % 4 != 0 { standard.append(0x3D) }                // '='
        guard let data = Data(base64Encoded: Data(standard)) else { return nil }
        return Array(data)
    }

    /// Proto3-JSON `bytes` (sigstore-spec.md §0): standard padded base64; proto3 parsers also accept
    /// the URL-safe alphabet and missing padding, so the CA does too.
    static func protoBytes(_ text: String) -> [UInt8]? {
        if let data = Data(base64Encoded: text) { return Array(data) }
        var body = text
        while body.hasSuffix("=") { body.removeLast() }
        return base64URL(body.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
    }

    private static func isBase64URLSymbol(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
    }
}
