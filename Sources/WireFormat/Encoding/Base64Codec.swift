/// The one base64 implementation (RFC 4648 §4 and §5) behind ``StrictBase64``, ``LenientBase64``
/// and ``Base64URL``; those three say which rules apply, this type applies them.
///
/// Written here rather than taken from Foundation or swift-extras-base64: Foundation's decoder
/// accepts non-zero unused bits (`QR==` decodes like `QQ==`), so it cannot give one spelling per
/// byte string, and neither library accepts both alphabets in one input as the proto3 JSON
/// mapping requires. The vectors in `Base64Tests` (RFC 4648 §10, non-canonical bits, padding,
/// alphabets) pin the behaviour.
enum Base64Codec {
    /// What a decoder accepts.
    struct Rules {
        enum Padding { case required, forbidden, optional }
        /// Symbol value for each byte, `0xFF` where the byte is not a symbol.
        let table: [UInt8]
        let padding: Padding
        /// Whether the unused low bits of a final partial group must be zero (one spelling only).
        let canonicalBits: Bool
        /// Whether CR and LF are skipped (MIME writers break lines).
        let skipsLineBreaks: Bool
    }

    static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// A decode table for the symbols of `alphabets` (all of them accepted, with the same values).
    static func table(_ alphabets: [UInt8]...) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for alphabet in alphabets {
            for (value, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(value) }
        }
        return table
    }

    /// `bytes` in `alphabet`, with `=` padding to a multiple of four when `padded`.
    static func encode(_ bytes: some Collection<UInt8>, alphabet: [UInt8], padded: Bool) -> String {
        let input = Array(bytes)
        let tail = input.count % 3
        let length = input.count / 3 * 4 + (tail == 0 ? 0 : padded ? 4 : tail + 1)
        // Written straight into the string's storage: the log encodes every entry body it serves,
        // and a per-symbol `append` showed in its profile.
        return String(unsafeUninitializedCapacity: length) { out in
            input.withUnsafeBufferPointer { source in
                alphabet.withUnsafeBufferPointer { symbols in
                    var o = 0
                    func put(_ group: UInt32, _ shift: UInt32) {
                        out[o] = symbols[Int(group >> shift & 0x3F)]
                        o += 1
                    }
                    var i = 0
                    while i + 3 <= source.count {
                        let group = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
                        put(group, 18); put(group, 12); put(group, 6); put(group, 0)
                        i += 3
                    }
                    if tail > 0 {
                        var group = UInt32(source[i]) << 16
                        if tail == 2 { group |= UInt32(source[i + 1]) << 8 }
                        put(group, 18); put(group, 12)
                        if tail == 2 { put(group, 6) }
                        if padded {
                            for _ in tail..<3 { out[o] = UInt8(ascii: "="); o += 1 }
                        }
                    }
                }
            }
            return length
        }
    }

    /// The bytes the ASCII symbols `text` encode under `rules`, or nil.
    static func decode(_ text: some Collection<UInt8>, _ rules: Rules) -> [UInt8]? {
        if !rules.skipsLineBreaks, let decoded = text.withContiguousStorageIfAvailable({ decode(symbols: $0, rules) }) {
            return decoded
        }
        var symbols = Array(text)
        if rules.skipsLineBreaks { symbols.removeAll { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") } }
        return symbols.withUnsafeBufferPointer { decode(symbols: $0, rules) }
    }

    private static func decode(symbols: UnsafeBufferPointer<UInt8>, _ rules: Rules) -> [UInt8]? {
        var padding = 0
        while padding < symbols.count, symbols[symbols.count - 1 - padding] == UInt8(ascii: "=") { padding += 1 }
        let dataCount = symbols.count - padding
        let remainder = dataCount % 4
        guard remainder != 1 else { return nil }
        switch (rules.padding, padding) {
        case (.forbidden, 0), (.optional, 0): break
        case (.required, _), (.optional, _): guard padding == (4 - remainder) % 4 else { return nil }
        case (.forbidden, _): return nil
        }
        let byteCount = dataCount / 4 * 3 + (remainder == 0 ? 0 : remainder - 1)
        var valid = true
        // Written straight into the array's storage: certificates and signatures in every entry the
        // log takes are decoded here, and an array per three bytes showed in its profile.
        let out = [UInt8](unsafeUninitializedCapacity: byteCount) { out, written in
            rules.table.withUnsafeBufferPointer { table in
                var o = 0
                var group: UInt32 = 0
                for k in 0..<dataCount {
                    let value = table[Int(symbols[k])]
                    guard value != 0xFF else { valid = false; return }
                    group = group << 6 | UInt32(value)
                    if k & 3 == 3 {
                        out[o] = UInt8(truncatingIfNeeded: group >> 16)
                        out[o + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        out[o + 2] = UInt8(truncatingIfNeeded: group)
                        o += 3
                        group = 0
                    }
                }
                switch remainder {
                case 2:   // 12 bits: one byte and 4 unused bits
                    guard !rules.canonicalBits || group & 0x0F == 0 else { valid = false; return }
                    out[o] = UInt8(truncatingIfNeeded: group >> 4)
                    o += 1
                case 3:   // 18 bits: two bytes and 2 unused bits
                    guard !rules.canonicalBits || group & 0x03 == 0 else { valid = false; return }
                    out[o] = UInt8(truncatingIfNeeded: group >> 10)
                    out[o + 1] = UInt8(truncatingIfNeeded: group >> 2)
                    o += 2
                default:
                    break
                }
                written = o
            }
        }
        return valid ? out : nil
    }
}
