/// Base64 as the proto3 JSON mapping reads `bytes` fields: the standard or the URL-safe alphabet
/// (even mixed), padding optional but correct when present, CR and LF skipped (Go's protojson
/// decoder skips them, and MIME writers emit them), unused bits ignored (as Go's non-strict
/// decoders do). Any other character is an error.
///
/// Lenient on purpose and by name: use it only where a spec says a reader must accept these
/// spellings (Sigstore bundles, trusted roots and signing configs, the CA's and CT's protobuf
/// JSON requests), and never for bytes whose spelling is itself signed or compared.
public enum LenientBase64 {
    private static let rules = Base64Codec.Rules(
        table: Base64Codec.table(Base64Codec.standardAlphabet, Base64Codec.urlAlphabet),
        padding: .optional, canonicalBits: false, skipsLineBreaks: true)

    /// The bytes `text` encodes under the proto3 JSON rules, or nil.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        Base64Codec.decode(text.utf8, rules)
    }
}
