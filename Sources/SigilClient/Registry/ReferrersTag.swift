import WireFormat

/// The tag that lists a subject's referrers on registries without the referrers API
/// (distribution-spec §Referrers Tag Schema): the digest's algorithm cut to 32 characters, `-`,
/// its encoded part cut to 64, every character a tag may not hold replaced with `-`. So
/// `sha256:<hex>` is `sha256-<hex>`, and `sha512:<128 hex>` is `sha512-<first 64 hex>`.
enum ReferrersTag {
    static func tag(for digest: OCIDigest) -> String {
        let text = digest.algorithm.utf8.prefix(32) + [UInt8(ascii: "-")] + digest.hex.utf8.prefix(64)
        return String(decoding: text.map { isTagByte($0) ? $0 : UInt8(ascii: "-") }, as: UTF8.self)
    }

    /// Whether `tag` has the shape of a referrers tag (`sha256-` or `sha512-` and 64 lowercase
    /// hex), so it can be left out where people expect image tags.
    static func isReferrersTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard bytes.count == 71, tag.hasExactPrefix("sha256-") || tag.hasExactPrefix("sha512-") else { return false }
        return LowercaseHex.decode(String(decoding: bytes[7...], as: UTF8.self)) != nil
    }

    /// `[a-zA-Z0-9._-]`, what a tag holds after its first character.
    private static func isTagByte(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
