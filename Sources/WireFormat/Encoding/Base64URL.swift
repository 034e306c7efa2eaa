/// Unpadded base64url (RFC 4648 §5), the encoding JWS (RFC 7515 §2) uses for every segment and
/// JWK (RFC 7518 §6) for every key parameter. Decoding is strict: only `A–Z a–z 0–9 - _`, no
/// padding, no whitespace, unused bits zero, so each token segment has exactly one spelling.
public enum Base64URL {
    private static let rules = Base64Codec.Rules(table: Base64Codec.table(Base64Codec.urlAlphabet),
                                                 padding: .forbidden, canonicalBits: true, skipsLineBreaks: false)

    /// Unpadded base64url of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.encode(bytes, alphabet: Base64Codec.urlAlphabet, padded: false)
    }

    /// The bytes `text` encodes, or nil unless it is the one canonical unpadded base64url spelling.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        Base64Codec.decode(text.utf8, rules)
    }

    /// `decode` over UTF-8 bytes, for callers that split a token as bytes.
    public static func decode(utf8 text: some Collection<UInt8>) -> [UInt8]? {
        Base64Codec.decode(text, rules)
    }
}
