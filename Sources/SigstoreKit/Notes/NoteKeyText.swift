import WireFormat

/// The text forms of note keys from golang.org/x/mod/sumdb/note, used by C2SP tlog tooling:
/// verifier key `<name>+<8 hex key ID>+base64(type || public key)` and signer key
/// `PRIVATE+KEY+<name>+<8 hex key ID>+base64(type || private key)`.
struct NoteKeyText {
    static let signerKeyPrefix = "PRIVATE+KEY+"

    let name: String
    let keyHint: UInt32
    let type: UInt8
    let key: [UInt8]

    init(name: String, keyHint: UInt32, type: UInt8, key: [UInt8]) {
        self.name = name
        self.keyHint = keyHint
        self.type = type
        self.key = key
    }

    /// Parses a vkey: name and key ID end at the first two `+` (names cannot contain `+`; the base64
    /// key can).
    init(verifierKey text: String) throws(NoteError) {
        let fields = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .malformedKey("want <name>+<key ID>+<key>, got \(fields.count) fields") }
        guard NoteSyntax.isValidKeyName(fields[0]) else { throw .malformedKey("invalid key name \(String(reflecting: String(fields[0])))") }
        guard let hint = NoteSyntax.parseHex8(fields[1]) else { throw .malformedKey("key ID is not 8 hex digits") }
        guard let material = StrictBase64.decode(fields[2]), material.count >= 2 else {
            throw .malformedKey("key is not canonical base64 of a type byte and a key")
        }
        self.init(name: String(fields[0]), keyHint: hint, type: material[0], key: Array(material.dropFirst()))
    }

    /// Parses an skey: `PRIVATE+KEY+` and then the vkey layout.
    init(signerKey text: String) throws(NoteError) {
        guard text.hasExactPrefix(Self.signerKeyPrefix) else { throw .malformedKey("signer key does not start with \(Self.signerKeyPrefix)") }
        try self.init(verifierKey: String(text.dropFirst(Self.signerKeyPrefix.count)))
    }

    /// Checks the key type and length, and that the key ID in the text is the one computed from the key.
    func expect(type expected: UInt8, keyCount: Int, computedHint: (([UInt8]) -> UInt32)) throws(NoteError) {
        guard type == expected else {
            throw .malformedKey("key type 0x\(NoteSyntax.hex2(type)), want 0x\(NoteSyntax.hex2(expected))")
        }
        guard key.count == keyCount else { throw .malformedKey("key is \(key.count) bytes, want \(keyCount)") }
        let computed = computedHint(key)
        guard computed == keyHint else {
            throw .malformedKey("key ID \(NoteSyntax.hex8(keyHint)) does not match the key (\(NoteSyntax.hex8(computed)))")
        }
    }

    var verifierKey: String {
        "\(name)+\(NoteSyntax.hex8(keyHint))+\(StrictBase64.encode([type] + key))"
    }

    var signerKey: String { Self.signerKeyPrefix + verifierKey }
}
