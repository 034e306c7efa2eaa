/// Lowercase hexadecimal, the form Rekor v1 uses for hashes and log IDs (sigstore/rekor:openapi.yaml).
public enum LowercaseHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Two lowercase hex digits per byte.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        // Written straight into the string's storage: the log spells several digests per entry.
        if let encoded = bytes.withContiguousStorageIfAvailable(encode(contiguous:)) { return encoded }
        return Array(bytes).withUnsafeBufferPointer(encode(contiguous:))
    }

    private static func encode(contiguous bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            digits.withUnsafeBufferPointer { digits in
                for (i, byte) in bytes.enumerated() {
                    out[2 * i] = digits[Int(byte >> 4)]
                    out[2 * i + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }

    /// The bytes `text` spells, or nil if it has odd length or any character outside `0-9a-f`.
    public static func decode(_ text: String) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(symbols.count / 2)
        var i = 0
        while i < symbols.count {
            guard let high = value(symbols[i]), let low = value(symbols[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func value(_ symbol: UInt8) -> UInt8? {
        switch symbol {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): symbol - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): symbol - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
