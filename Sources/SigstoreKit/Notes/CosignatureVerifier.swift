import Crypto
import WireFormat

/// Verifies a witness's C2SP Ed25519 cosignatures (c2sp.org/tlog-cosignature, type 0x04), key ID
/// `SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]`.
///
/// As a ``NoteVerifier`` it takes part in ``SignedNote/verify(with:)`` next to the log's key, but
/// counts as a cosigner: a checkpoint signed only by witnesses is rejected. Use
/// ``verifiedCosignature(in:)`` to learn when the witness cosigned.
public struct CosignatureVerifier: Ed25519KeyedNoteVerifier {
    public static let signatureType = NoteSignatureType.cosignatureV1
    public let noteKey: Ed25519NoteKey

    public init(noteKey: Ed25519NoteKey) { self.noteKey = Self.checked(noteKey) }

    public var isCosigner: Bool { true }

    public func verify(_ text: [UInt8], signature: [UInt8]) -> Bool {
        let noteSignature = NoteSignature(name: name, keyHint: keyHint, signature: signature)
        guard let cosignature = try? Cosignature(noteSignature) else { return false }
        return isValid(cosignature, text: text)
    }

    /// Finds this witness's line in `note`, verifies it and returns it with its timestamp. Throws
    /// ``NoteError/noKnownSignature(seen:)`` if the witness did not cosign and
    /// ``NoteError/invalidSignature(name:keyHint:)`` if a line of its fails to verify.
    public func verifiedCosignature(in note: SignedNote) throws(NoteError) -> Cosignature {
        let text = Array(note.text.utf8)
        var found: Cosignature?
        for line in note.signatures where line.name.isExactly(name) && line.keyHint == keyHint {
            guard let cosignature = try? Cosignature(line), isValid(cosignature, text: text) else {
                throw .invalidSignature(name: name, keyHint: keyHint)
            }
            found = found ?? cosignature
        }
        guard let found else { throw .noKnownSignature(seen: note.signatures.map(\.label)) }
        return found
    }

    private func isValid(_ cosignature: Cosignature, text: [UInt8]) -> Bool {
        publicKey.isValidSignature(cosignature.signature, for: Cosignature.message(timestamp: cosignature.timestamp, text: text))
    }
}
