import SwiftASN1

/// DER `INTEGER` content octets kept as bytes, for values wider than any Swift integer (serial
/// numbers, nonces): read with the minimal-encoding rule of X.690 §8.3.2, written minimally.
enum DERInteger {
    /// The content octets of an INTEGER node, or nil when it is not a minimally encoded INTEGER.
    static func content(_ node: ASN1Node) -> [UInt8]? {
        guard node.identifier == .integer, case .primitive(let bytes) = node.content, let first = bytes.first else { return nil }
        if bytes.count > 1 {
            let second = bytes[bytes.startIndex + 1]
            if first == 0x00 && second & 0x80 == 0 { return nil }
            if first == 0xFF && second & 0x80 != 0 { return nil }
        }
        return Array(bytes)
    }

    /// Content octets of the non-negative integer whose big-endian magnitude is `magnitude`.
    static func nonNegative(_ magnitude: some Collection<UInt8>) -> [UInt8] {
        let trimmed = Array(magnitude.drop(while: { $0 == 0 }))
        guard let first = trimmed.first else { return [0] }
        return first & 0x80 != 0 ? [0] + trimmed : trimmed
    }

    /// Content octets of `value`.
    static func content(_ value: Int64) -> [UInt8] {
        var bytes = withUnsafeBytes(of: value.bigEndian, Array.init)
        while bytes.count > 1, (bytes[0] == 0x00 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0) {
            bytes.removeFirst()
        }
        return bytes
    }

    static func append(_ content: [UInt8], to serializer: inout DER.Serializer) {
        serializer.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: content) }
    }
}
