/// Standard base64 (RFC 4648 §4) with padding, decoded strictly: only `A–Z a–z 0–9 + /`, length a
/// multiple of four, `=` only as final padding, and the unused bits of the last group zero. So
/// every byte string has exactly one accepted encoding, and whitespace, line breaks and the
/// URL-safe alphabet (`-`, `_`) are rejected rather than skipped.
///
/// The default for everything Sigil reads: Rekor entries and API answers, checkpoints and signed
/// notes, PEM bodies, CT and CA requests. Where a spec asks for more, the call site says so by
/// using ``LenientBase64`` (proto3 JSON `bytes`) or ``Base64URL`` (JWS) instead.
public enum StrictBase64 {
    private static let rules = Base64Codec.Rules(table: Base64Codec.table(Base64Codec.standardAlphabet),
                                                 padding: .required, canonicalBits: true, skipsLineBreaks: false)

    /// Standard padded base64 of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        Base64Codec.encode(bytes, alphabet: Base64Codec.standardAlphabet, padded: true)
    }

    /// The bytes `text` encodes, or nil unless it is the one canonical padded standard encoding.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        Base64Codec.decode(text.utf8, rules)
    }
}
