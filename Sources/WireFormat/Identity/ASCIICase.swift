extension UInt8 {
    /// `A`–`Z` mapped to `a`–`z`, every other byte as it is: the case folding of protocol tokens
    /// (HTTP schemes and directives, hex), which must never map non-ASCII text onto ASCII the way
    /// Unicode case mapping does (U+212A KELVIN SIGN lowercases to `k`).
    public var asciiLowercased: UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) ? self + 0x20 : self
    }
}

extension String {
    /// The string with only `A`–`Z` lowercased (see `UInt8.asciiLowercased`).
    public var asciiLowercased: String {
        String(decoding: utf8.map(\.asciiLowercased), as: UTF8.self)
    }
}
