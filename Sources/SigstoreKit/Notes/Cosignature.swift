import Foundation

/// A C2SP Ed25519 witness cosignature (c2sp.org/tlog-cosignature, signature type 0x04): the note
/// signature bytes are a `timestamped_signature`, an 8-byte big-endian POSIX timestamp followed by a
/// 64-byte Ed25519 signature over ``message(timestamp:text:)``.
public struct Cosignature: Sendable, Equatable {
    /// The cosigner's key name.
    public let name: String
    /// The cosigner's key hint.
    public let keyHint: UInt32
    /// When the witness cosigned, in seconds since the Epoch; at most `2^63 - 1` per the spec.
    public let timestamp: Int64
    /// The 64-byte Ed25519 signature.
    public let signature: [UInt8]

    /// Splits a note signature into timestamp and signature; checks only the layout, not the signature.
    public init(_ noteSignature: NoteSignature) throws(NoteError) {
        let bytes = noteSignature.signature
        guard bytes.count == 72 else {
            throw .malformedCosignature("\(noteSignature.label) has \(bytes.count) bytes, want 8 + 64")
        }
        let raw = NoteSyntax.bigEndian(UInt64.self, bytes)
        guard let timestamp = Int64(exactly: raw) else {
            throw .malformedCosignature("\(noteSignature.label) has timestamp \(raw), above 2^63 - 1")
        }
        name = noteSignature.name
        keyHint = noteSignature.keyHint
        self.timestamp = timestamp
        signature = Array(bytes.dropFirst(8))
    }

    /// The cosignature time as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(timestamp)) }

    /// The note signature line's contents.
    public var noteSignature: NoteSignature {
        NoteSignature(name: name, keyHint: keyHint, signature: NoteSyntax.bigEndianBytes(UInt64(timestamp)) + signature)
    }

    /// The signed message: `cosignature/v1\ntime <timestamp>\n` followed by the whole note text.
    public static func message(timestamp: Int64, text: some Collection<UInt8>) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(text)
    }
}
