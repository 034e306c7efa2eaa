import WireFormat

/// Reads PEM text strictly, except for line length.
///
/// Accepted: one or more blocks `-----BEGIN <label>-----`, base64 lines, `-----END <label>-----`,
/// with LF or CRLF line endings, blank lines only between or after blocks, and no final newline
/// needed. Base64 lines may be any length, as Go's `encoding/pem` (and so Fulcio and Rekor)
/// allow: OpenSSL writes 64, `base64` writes 76. The joined body must be strict base64
/// (`StrictBase64`), so it has one decoding and one canonical re-encoding.
///
/// Refused, unlike Go's decoder: any text before the first block or after the last (Go skips
/// it; a log that stored it would keep arbitrary bytes and give one key many stored forms),
/// headers such as `Proc-Type`, blank lines or spaces inside a block, and mismatched labels.
public enum PEMDecoding {
    /// The blocks of `text`, in order; at least one.
    public static func blocks(in text: some StringProtocol) throws(PEMError) -> [PEMBlock] {
        try blocks(inUTF8: Array(text.utf8))
    }

    /// The one block of `text`, which must have `label` when given.
    public static func block(in text: some StringProtocol, label: String? = nil) throws(PEMError) -> PEMBlock {
        let found = try blocks(in: text)
        guard found.count == 1 else { throw PEMError("expected one PEM block, found \(found.count)") }
        if let label, !found[0].label.isExactly(label) {
            throw PEMError("expected a PEM \(label) block, found \(UntrustedText.quoted(found[0].label))")
        }
        return found[0]
    }

    private static let beginPrefix = Array("-----BEGIN ".utf8)
    private static let endPrefix = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)

    private static func blocks(inUTF8 bytes: [UInt8]) throws(PEMError) -> [PEMBlock] {
        // Split on LF; a CR is part of the line ending only right before an LF.
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for k in lines.indices.dropLast() where lines[k].last == UInt8(ascii: "\r") {
            lines[k] = lines[k].dropLast()
        }
        var found: [PEMBlock] = []
        var k = 0
        while k < lines.count {
            if lines[k].isEmpty && !found.isEmpty {
                k += 1  // blank lines between blocks, and the final newline(s)
                continue
            }
            guard let label = label(of: lines[k], prefix: beginPrefix) else {
                throw PEMError(found.isEmpty ? "text before the PEM block (PEM must start with -----BEGIN)"
                                             : "text after the PEM block")
            }
            k += 1
            var body: [UInt8] = []
            while true {
                guard k < lines.count else { throw PEMError("the PEM \(UntrustedText.quoted(label)) block has no END line") }
                let line = lines[k]
                k += 1
                if line.starts(with: endPrefix) {
                    guard let end = Self.label(of: line, prefix: endPrefix), end.isExactly(label) else {
                        throw PEMError("the PEM \(UntrustedText.quoted(label)) block does not end with -----END \(label)-----")
                    }
                    break
                }
                guard !line.isEmpty else { throw PEMError("the PEM \(UntrustedText.quoted(label)) block contains a blank line") }
                guard line.allSatisfy(isBase64Symbol) else {
                    throw PEMError("the PEM \(UntrustedText.quoted(label)) block contains a line that is not base64 (headers are not accepted)")
                }
                body += line
            }
            guard let der = StrictBase64.decode(String(decoding: body, as: UTF8.self)), !der.isEmpty else {
                throw PEMError("the PEM \(UntrustedText.quoted(label)) block is not valid base64")
            }
            found.append(PEMBlock(label: label, der: der))
        }
        guard !found.isEmpty else { throw PEMError("no PEM block found") }
        return found
    }

    /// The label of a `-----BEGIN <label>-----` or `-----END <label>-----` line, or nil. Labels
    /// are RFC 7468 §3: printable ASCII without `-`, single spaces inside.
    private static func label(of line: ArraySlice<UInt8>, prefix: [UInt8]) -> String? {
        guard line.count > prefix.count + dashes.count, line.starts(with: prefix), line.reversed().starts(with: dashes) else {
            return nil
        }
        let text = line.dropFirst(prefix.count).dropLast(dashes.count)
        guard text.first != 0x20, text.last != 0x20,
              text.allSatisfy({ (0x20...0x7E).contains($0) && $0 != UInt8(ascii: "-") }),
              !zip(text, text.dropFirst()).contains(where: { $0 == 0x20 && $1 == 0x20 })
        else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    private static func isBase64Symbol(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): true
        default: false
        }
    }
}
