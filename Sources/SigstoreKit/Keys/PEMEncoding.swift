import WireFormat

/// RFC 7468 textual encoding of DER: a `-----BEGIN <label>-----` line, the base64 in lines of 64
/// characters, an `-----END <label>-----` line, each ending in a newline.
///
/// swift-certificates' `PEMDocument.pemString` does the same through `Substring` slicing, which
/// showed up at 1% of the CA's profile; this builds the text in one pass over the base64.
public enum PEMEncoding {
    public static func encode(_ der: [UInt8], label: String) -> String {
        let body = Array(StrictBase64.encode(der).utf8)
        var text: [UInt8] = []
        text.reserveCapacity(body.count + body.count / 64 + 2 * label.utf8.count + 40)
        text += Array("-----BEGIN \(label)-----\n".utf8)
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            text += body[start..<end]
            text.append(UInt8(ascii: "\n"))
            start = end
        }
        text += Array("-----END \(label)-----\n".utf8)
        return String(decoding: text, as: UTF8.self)
    }
}
