extension UInt8 {
    /// `0`–`9`.
    public var isASCIIDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }

    /// `a`–`z`.
    public var isASCIILowercase: Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) }

    /// `A`–`Z` or `a`–`z`.
    public var isASCIILetter: Bool { asciiLowercased.isASCIILowercase }

    /// A letter or a digit: the byte classes protocol grammars (host names, repository names,
    /// tags, URL-safe characters) are built from, judged on bytes so no non-ASCII look-alike
    /// ever passes.
    public var isASCIIAlphanumeric: Bool { isASCIILetter || isASCIIDigit }

    /// `0`–`9`, `a`–`f` or `A`–`F`.
    public var isASCIIHexDigit: Bool { isASCIIDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(asciiLowercased) }
}
