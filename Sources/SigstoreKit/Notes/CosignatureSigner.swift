import Crypto
import Foundation

/// Cosigns checkpoints as a witness with C2SP Ed25519 cosignatures (c2sp.org/tlog-cosignature, type
/// 0x04). The timestamp is `now()` rounded down to whole seconds.
///
/// A witness must check consistency with the last checkpoint it cosigned before signing; this type
/// only produces the signature.
public struct CosignatureSigner: NoteSigner {
    public let name: String
    public let keyHint: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey
    private let now: @Sendable () -> Date

    /// A cosigner for `privateKey` under `name`; tests pass a fixed clock.
    public init(name: String, privateKey: Curve25519.Signing.PrivateKey,
                now: @escaping @Sendable () -> Date = { Date() }) throws(NoteError) {
        guard NoteSyntax.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.name = name
        self.privateKey = privateKey
        self.now = now
        keyHint = NoteKeyID(name: name, signatureType: .cosignatureV1, publicKey: privateKey.publicKey.rawRepresentation).hint
    }

    /// The matching verifier.
    public var verifier: CosignatureVerifier {
        CosignatureVerifier(validName: name, publicKey: privateKey.publicKey)
    }

    /// Returns `timestamp (8 bytes, big-endian) || Ed25519 signature`.
    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        let seconds = now().timeIntervalSince1970.rounded(.down)
        guard seconds >= 0, let timestamp = Int64(exactly: seconds) else {
            throw NoteError.malformedCosignature("clock reads \(seconds), outside 0...2^63-1 seconds")
        }
        let signature = try privateKey.signature(for: Cosignature.message(timestamp: timestamp, text: text))
        return NoteSyntax.bigEndianBytes(UInt64(timestamp)) + Array(signature)
    }
}
