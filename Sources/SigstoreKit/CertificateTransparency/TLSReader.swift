/// Reads the TLS presentation-language encoding (RFC 5246 §4) used by RFC 6962 structures:
/// big-endian fixed-width integers and length-prefixed opaque vectors. Every read checks bounds,
/// so truncated input throws instead of trapping.
struct TLSReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int, _ what: String) throws(CTError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw CTError("\(what) is truncated") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A big-endian unsigned integer of `width` bytes (1...8).
    mutating func integer(_ width: Int, _ what: String) throws(CTError) -> UInt64 {
        try bytes(width, what).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// An opaque vector whose length prefix is `lengthWidth` bytes wide.
    mutating func vector(lengthWidth: Int, _ what: String) throws(CTError) -> [UInt8] {
        let length = try integer(lengthWidth, "\(what) length")
        return try bytes(Int(length), what)
    }
}

/// Writes the TLS encoding read by `TLSReader`.
struct TLSWriter {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ value: some Collection<UInt8>) { bytes.append(contentsOf: value) }

    mutating func integer(_ value: UInt64, width: Int) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends a length-prefixed vector; throws if it does not fit the prefix.
    mutating func vector(_ value: some Collection<UInt8>, lengthWidth: Int, _ what: String) throws(CTError) {
        guard UInt64(value.count) < (UInt64(1) << UInt64(lengthWidth * 8)) else {
            throw CTError("\(what) is too long (\(value.count) bytes) for a \(lengthWidth)-byte length")
        }
        integer(UInt64(value.count), width: lengthWidth)
        append(value)
    }
}
