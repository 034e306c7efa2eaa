import WireFormat

/// One signature line of a signed note: `— <name> base64(keyHint || signature)`.
public struct NoteSignature: Sendable, Equatable {
    /// The signing key's name.
    public let name: String
    /// The signing key's 32-bit key ID (the first four bytes of the base64 payload, big-endian).
    public let keyHint: UInt32
    /// The signature proper, after the key hint. Never empty in a parsed note.
    public let signature: [UInt8]

    /// A signature line's contents. ``SignedNote/init(text:signatures:)`` checks the name.
    public init(name: String, keyHint: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyHint = keyHint
        self.signature = signature
    }

    /// The line as it appears in a note, including the leading em dash and the final newline.
    public var line: String {
        "\u{2014} \(name) \(StrictBase64.encode(NoteSyntax.bigEndianBytes(keyHint) + signature))\n"
    }

    /// `name+hint`, as messages identify keys.
    var label: String { "\(name)+\(NoteSyntax.hex8(keyHint))" }

    /// Parses one signature line without its newline; `number` (1-based) is for messages only.
    init(line: ArraySlice<UInt8>, number: Int) throws(NoteError) {
        guard line.starts(with: NoteSyntax.signaturePrefix) else {
            throw .malformedNote("signature line \(number) does not start with \"\u{2014} \"")
        }
        let rest = line.dropFirst(NoteSyntax.signaturePrefix.count)
        guard let space = rest.firstIndex(of: NoteSyntax.space) else {
            throw .malformedNote("signature line \(number) has no space between key name and signature")
        }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        guard NoteSyntax.isValidKeyName(name) else {
            throw .malformedNote("signature line \(number) has an invalid key name \(String(reflecting: name))")
        }
        let encoded = String(decoding: rest[(space + 1)...], as: UTF8.self)
        guard let payload = StrictBase64.decode(encoded) else {
            throw .malformedNote("signature line \(number) is not canonical standard base64")
        }
        guard payload.count >= 5 else {
            throw .malformedNote("signature line \(number) has \(payload.count) bytes, need a 4-byte key ID and a signature")
        }
        self.init(name: name, keyHint: NoteSyntax.bigEndian(UInt32.self, payload), signature: Array(payload.dropFirst(4)))
    }
}
