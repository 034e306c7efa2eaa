import Foundation

/// Base64 decoders for the encodings that reach the CA.
enum Base64Decoding {
    /// Unpadded base64url (RFC 7515 §2). Padding, whitespace and the standard alphabet are
    /// rejected, so each JWS segment has exactly one spelling.
    static func base64URL(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isBase64URLSymbol($0) }), text.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        guard let data = Data(base64Encoded: standard) else { return nil }
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
