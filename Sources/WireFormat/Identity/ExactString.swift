/// Text that crossed a trust boundary (an issuer URL, an email, a subject, a key ID, a digest),
/// compared as its UTF-8 bytes.
///
/// Swift's `String ==`, `hasPrefix`, `contains` and `Hashable` work on canonical equivalence:
/// U+212A KELVIN SIGN equals `K`, and `é` equals `e` + U+0301. For identities that is a
/// look-alike attack (a token from `…/realms/\u{212A}elvin` would match an issuer configured as
/// `…/realms/Kelvin`). Fulcio and sigstore-go, written in Go, compare bytes; so does everything
/// that holds an `ExactString`: equality, hashing (dictionary and cache keys), prefixes, suffixes.
public struct ExactString: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The text, exactly as received.
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public var utf8: String.UTF8View { text.utf8 }
    public var description: String { text }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.text.isExactly(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        let hashedContiguously: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashedContiguously == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
        // Ends the byte run, so that ("ab", "c") and ("a", "bc") hash apart inside composite keys.
        hasher.combine(text.utf8.count)
    }

    public func hasPrefix(_ prefix: ExactString) -> Bool { text.hasExactPrefix(prefix.text) }
    public func hasSuffix(_ suffix: ExactString) -> Bool { text.hasExactSuffix(suffix.text) }
}

extension String {
    /// Byte-for-byte equality of the UTF-8 encodings; never canonical equivalence.
    public func isExactly(_ other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Whether the UTF-8 bytes start with `prefix`'s bytes.
    public func hasExactPrefix(_ prefix: some StringProtocol) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Whether the UTF-8 bytes end with `suffix`'s bytes.
    public func hasExactSuffix(_ suffix: some StringProtocol) -> Bool {
        utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// Whether the UTF-8 bytes contain `byte`, e.g. `@` even when a combining mark follows it
    /// (a `Character` search misses `@` + U+0301, which is one grapheme).
    public func containsByte(_ byte: UInt8) -> Bool {
        utf8.contains(byte)
    }

    /// Whether the UTF-8 bytes contain `needle`'s bytes anywhere.
    public func containsExactly(_ needle: some StringProtocol) -> Bool {
        let haystack = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty else { return true }
        guard pattern.count <= haystack.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
            return true
        }
        return false
    }
}

extension Sequence where Element == String {
    /// Whether some element equals `value` byte for byte (`Array.contains` uses `String ==`).
    public func containsExactly(_ value: some StringProtocol) -> Bool {
        contains { $0.isExactly(value) }
    }
}
