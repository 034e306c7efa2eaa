import WireFormat

/// The `Link` header (RFC 8288) as registries paginate with it: `<url>; rel="next"`.
enum LinkHeader {
    /// The target of the first link whose `rel` includes `next`, among all the header values.
    static func next(in values: [String]) -> String? {
        for value in values {
            var bytes = ArraySlice(value.utf8)
            while let open = bytes.firstIndex(of: UInt8(ascii: "<")) {
                guard let close = bytes[open...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
                let target = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
                // Parameters run to the next link (a `,` outside quotes) or the end.
                var k = close + 1
                var quoted = false
                while k < bytes.endIndex, quoted || bytes[k] != UInt8(ascii: ",") {
                    if bytes[k] == UInt8(ascii: "\"") { quoted.toggle() }
                    k += 1
                }
                if relations(bytes[(close + 1)..<k]).contains(where: { $0.elementsEqual("next".utf8) }) { return target }
                bytes = bytes[k...]
            }
        }
        return nil
    }

    /// The relation types of `; rel=next` or `; rel="prev next"` (lowercased).
    private static func relations(_ parameters: ArraySlice<UInt8>) -> [[UInt8]] {
        for parameter in parameters.split(separator: UInt8(ascii: ";")) {
            let trimmed = parameter.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard let equals = trimmed.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trimmed[..<equals].filter { $0 != UInt8(ascii: " ") }.map(\.asciiLowercased)
            guard name.elementsEqual("rel".utf8) else { continue }
            let value = trimmed[(equals + 1)...].filter { $0 != UInt8(ascii: "\"") }.map(\.asciiLowercased)
            return value.split(separator: UInt8(ascii: " ")).map(Array.init)
        }
        return []
    }
}
