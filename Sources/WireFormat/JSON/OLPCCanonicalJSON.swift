/// The canonical JSON that TUF metadata is signed over: OLPC canonical JSON as securesystemslib's
/// `encode_canonical` writes it, which python-tuf, go-tuf and Sigstore's root-signing all sign.
///
/// It differs from RFC 8785 (``CanonicalJSON``) where a signature would break if it were mixed up:
/// - member names sort by code point (the order of their UTF-8 bytes), not by UTF-16 code units;
/// - strings escape only `"` and `\`; every other character, control characters included, is
///   written as its UTF-8 bytes;
/// - numbers must be integers: a fraction has no canonical form here and is refused.
public enum OLPCCanonicalJSON {
    /// Why a value has no OLPC canonical form.
    public struct EncodingError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The canonical bytes of `value`.
    public static func encode(_ value: JSONValue) throws(EncodingError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        try write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) throws(EncodingError) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i):
            out.append(contentsOf: String(i).utf8)
        case .number(let d):
            throw EncodingError(description: "canonical JSON has no form for the non-integer number \(d)")
        case .string(let s):
            writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (k, element) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Code-point order is UTF-8 byte order; Swift's `<` on String would be neither.
            let names = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (k, name) in names.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                writeString(name, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(members[name]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
