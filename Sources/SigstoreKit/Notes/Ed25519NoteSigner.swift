import Crypto

/// Signs notes with C2SP Ed25519 (signed-note type 0x01). Ed25519 signing is deterministic on Linux
/// (BoringSSL), so the same key and text give the same note byte for byte.
public struct Ed25519NoteSigner: NoteSigner {
    public let name: String
    public let keyHint: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Reads a signer key, `PRIVATE+KEY+<name>+<key ID>+base64(0x01 || 32-byte seed)`; the key ID must
    /// be the one the name and derived public key imply.
    public init(signerKey skey: String) throws(NoteError) {
        let parsed = try NoteKeyText(signerKey: skey)
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: parsed.key), parsed.key.count == 32 else {
            throw .malformedKey("not a 32-byte Ed25519 seed")
        }
        try parsed.expect(type: 0x01, keyCount: 32) { _ in
            NoteKeyID(name: parsed.name, signatureType: .ed25519, publicKey: key.publicKey.rawRepresentation).hint
        }
        try self.init(name: parsed.name, privateKey: key)
    }

    /// A signer for `privateKey` under `name`.
    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(NoteError) {
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.name = name
        self.privateKey = privateKey
        keyHint = NoteKeyID(name: name, signatureType: .ed25519, publicKey: privateKey.publicKey.rawRepresentation).hint
    }

    /// The signer key string (`skey`). Secret: store it like a private key.
    public var signerKey: String {
        NoteKeyText(name: name, keyHint: keyHint, type: 0x01, key: Array(privateKey.rawRepresentation)).signerKey
    }

    /// The matching verifier.
    public var verifier: Ed25519NoteVerifier {
        Ed25519NoteVerifier(validName: name, publicKey: privateKey.publicKey)
    }

    /// The matching verifier key string (`vkey`), for clients' configuration.
    public var verifierKey: String { verifier.verifierKey }

    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        Array(try privateKey.signature(for: text))
    }
}
