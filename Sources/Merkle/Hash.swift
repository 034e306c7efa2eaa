import Crypto
import WireFormat

/// A SHA-256 hash value: exactly 32 bytes, stored inline.
///
/// Every Merkle tree hash in this module (leaf hashes, interior node hashes, tree roots, RFC 6962 §2.1)
/// is a `Hash`. The bytes live in four `UInt64` words, so a `Hash` never touches the heap and an
/// `[Hash]` is one contiguous block of 32-byte values.
///
/// Construct one only through the validating initializers; a value of this type is always 32 bytes.
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    /// The size of a SHA-256 hash in bytes.
    public static let byteCount = 32

    /// The 32 bytes in order; a homogeneous tuple is laid out contiguously, like a C array.
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Creates a hash from exactly 32 bytes; returns `nil` for any other count.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        withUnsafeMutableBytes(of: &words) { target in
            let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
                target.copyMemory(from: UnsafeRawBufferPointer(source))
            }
            if copied == nil {
                for (offset, byte) in zip(target.indices, bytes) { target[offset] = byte }
            }
        }
    }

    /// Creates a hash from 64 hexadecimal digits (either case); returns `nil` for anything else.
    public init?(hex: String) {
        guard let value = Self.parseHex(hex.utf8) else { return nil }
        words = value
    }

    /// Creates a hash from standard, padded base64 (RFC 4648 §4) that decodes to exactly 32 bytes.
    ///
    /// Only the canonical encoding is accepted (``StrictBase64``): missing padding, whitespace, the
    /// URL-safe alphabet and non-zero trailing bits are rejected.
    public init?(base64: String) {
        guard base64.utf8.count == 44, let bytes = StrictBase64.decode(base64), let hash = Hash(bytes) else { return nil }
        self = hash
    }

    /// Creates a hash from a SHA-256 digest (always 32 bytes).
    init(_ digest: SHA256.Digest) {
        digest.withUnsafeBytes { source in
            precondition(source.count == Self.byteCount, "Merkle: SHA-256 digest is not 32 bytes")
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
    }

    /// The 32 bytes as a new array.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The 64 lowercase hexadecimal digits of the hash.
    public var hex: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: 2 * Self.byteCount) { output in
                digits.withUTF8Buffer { table in
                    for (offset, byte) in raw.enumerated() {
                        output[2 * offset] = table[Int(byte >> 4)]
                        output[2 * offset + 1] = table[Int(byte & 0x0F)]
                    }
                }
                return 2 * Self.byteCount
            }
        }
    }

    /// The hash in standard, padded base64 (44 characters), as checkpoints and Rekor use it.
    public var base64: String {
        withUnsafeBytes { StrictBase64.encode($0) }
    }

    /// Calls `body` with the 32 bytes, without copying them.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: words, body)
    }

    /// The lowercase hexadecimal form, as in ``hex``.
    public var description: String { hex }

    public static func == (lhs: Hash, rhs: Hash) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Parses 64 ASCII hex digits into the word storage.
    private static func parseHex(_ text: some Collection<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard text.count == 2 * byteCount else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &words) { target -> Bool in
            var iterator = text.makeIterator()
            for offset in 0..<byteCount {
                guard let high = iterator.next().flatMap(nibble), let low = iterator.next().flatMap(nibble)
                else { return false }
                target[offset] = high << 4 | low
            }
            return true
        }
        return valid ? words : nil
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
