import Foundation

/// The lexical rules shared by notes, note keys and checkpoints (c2sp.org/signed-note "Format").
enum NoteSyntax {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    /// Every signature line starts with an em dash (U+2014) and a space.
    static let signaturePrefix: [UInt8] = Array("\u{2014} ".utf8)

    /// "Signed notes MUST be valid UTF-8 and MUST NOT contain any ASCII control characters (those
    /// below U+0020) other than newline." UTF-8 continuation and lead bytes are all >= 0x80, so a
    /// byte scan is exact. Returns the offset of the first offending byte.
    static func firstControlCharacter(in bytes: some Collection<UInt8>) -> Int? {
        for (offset, byte) in bytes.enumerated() where byte < 0x20 && byte != newline {
            return offset
        }
        return nil
    }

    /// "Key names MUST be non-empty and MUST NOT contain any Unicode spaces or plus (U+002B)
    /// characters." Control characters are excluded as well, since no note may contain them.
    static func isValidKeyName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { scalar in
            scalar == "+" || scalar.value < 0x20 || scalar.properties.isWhitespace
        }
    }

    /// Eight lowercase hex digits, as key hints appear in vkeys and messages.
    static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Exactly eight hex digits (either case).
    static func parseHex8(_ text: some StringProtocol) -> UInt32? {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit })
        else { return nil }
        return UInt32(text, radix: 16)
    }

    static func bigEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).reversed().map { UInt8(value >> (8 * UInt64($0)) & 0xFF) }
    }

    /// The big-endian integer in the first `width` bytes of `bytes` (which must hold that many).
    static func bigEndian<T: FixedWidthInteger & UnsignedInteger>(_ type: T.Type, _ bytes: some Collection<UInt8>) -> T {
        precondition(bytes.count >= MemoryLayout<T>.size, "NoteSyntax: bad math in bigEndian")
        return bytes.prefix(MemoryLayout<T>.size).reduce(T(0)) { $0 << 8 | T($1) }
    }
}
