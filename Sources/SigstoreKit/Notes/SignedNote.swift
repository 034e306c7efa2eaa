// Signed notes and transparency-log checkpoints.
//
// Specs implemented here (C2SP, https://c2sp.org):
//   - signed-note      ``SignedNote``, ``NoteSignature``, ``NoteSigner`` / ``NoteVerifier``, the
//                      Ed25519 type 0x01 (``Ed25519NoteSigner`` / ``Ed25519NoteVerifier``, vkey and
//                      skey strings) and key IDs (``NoteKeyID``).
//   - tlog-checkpoint  ``Checkpoint`` (the note text) and ``SignedCheckpoint`` (text + signatures).
//   - tlog-cosignature Ed25519 witness cosignatures, type 0x04 (``Cosignature``,
//                      ``CosignatureSigner``, ``CosignatureVerifier``).
// Rekor's own rule for its log key (key hint = SHA-256(DER SPKI)[:4], name = hostname; ECDSA, Ed25519 or
// RSA signature over the text) is ``LogKeyNoteSigner`` / ``LogKeyNoteVerifier``; Rekor v2 log IDs are
// ``NoteKeyID/init(rekorV2Origin:key:)``.
//
// Parsing is strict and canonical (one spelling per note); nothing here performs I/O.

import WireFormat

/// A C2SP signed note (c2sp.org/signed-note): a text ending in a newline, a blank line, and one or more
/// signature lines `— <key name> base64(key ID || signature)`.
///
/// Parsing checks only the format. A note's text means nothing until ``verify(with:)`` found a
/// signature from a trusted key.
public struct SignedNote: Sendable, Equatable {
    /// The most signature lines a note may carry. The spec requires accepting at least 16; post-quantum
    /// cosignatures are up to 5 kB each, so this also bounds the work one note can cause.
    public static let maximumSignatures = 100

    /// The note text: every line, including the final newline, without the separating blank line.
    public let text: String
    /// The signature lines in note order, including those from keys nobody here knows.
    public let signatures: [NoteSignature]

    /// A note from parts, checked as ``sign(text:signers:)`` checks them: a valid text, 1 to
    /// ``maximumSignatures`` signatures with valid key names and non-empty signatures.
    public init(text: String, signatures: [NoteSignature]) throws(NoteError) {
        try NoteSyntax.validateText(text)
        guard !signatures.isEmpty else { throw .malformedNote("a signed note needs at least one signature line") }
        guard signatures.count <= Self.maximumSignatures else { throw .tooManySignatures(limit: Self.maximumSignatures) }
        for signature in signatures {
            guard NoteSyntax.isValidKeyName(signature.name) else { throw .invalidKeyName(signature.name) }
            guard !signature.signature.isEmpty else {
                throw .malformedNote("the signature by \(signature.label) is empty")
            }
        }
        self.text = text
        self.signatures = signatures
    }

    /// Parses a note strictly: valid UTF-8 (guaranteed for `String`), no control characters other than
    /// newline, text and signatures split at the last blank line, every signature line well formed
    /// with canonical base64 of at least 5 bytes, and at most ``maximumSignatures`` lines.
    public init(parsing note: String) throws(NoteError) {
        try self.init(utf8: Array(note.utf8))
    }

    /// Parses a note received as bytes; rejects invalid UTF-8, then parses as ``init(parsing:)-(String)``.
    public init(parsing bytes: some Collection<UInt8>) throws(NoteError) {
        let array = Array(bytes)
        guard String(validating: array, as: UTF8.self) != nil else { throw .malformedNote("not valid UTF-8") }
        try self.init(utf8: array)
    }

    /// `bytes` must be valid UTF-8.
    private init(utf8 bytes: [UInt8]) throws(NoteError) {
        if let offset = NoteSyntax.firstControlCharacter(in: bytes) {
            throw .malformedNote("control character 0x\(String(bytes[offset], radix: 16)) at byte \(offset)")
        }
        // "The text is separated from the signatures by the last empty line in the note."
        guard let blank = Self.lastBlankLine(in: bytes) else {
            throw .malformedNote("no blank line between the text and the signatures")
        }
        let block = bytes[(blank + 2)...]
        guard !block.isEmpty else { throw .malformedNote("no signature lines") }
        guard block.last == NoteSyntax.newline else { throw .malformedNote("the last signature line does not end in a newline") }
        var signatures: [NoteSignature] = []
        for line in block.dropLast().split(separator: NoteSyntax.newline, omittingEmptySubsequences: false) {
            guard signatures.count < Self.maximumSignatures else { throw .tooManySignatures(limit: Self.maximumSignatures) }
            signatures.append(try NoteSignature(line: line, number: signatures.count + 1))
        }
        text = String(decoding: bytes[...blank], as: UTF8.self)
        self.signatures = signatures
    }

    /// Index of the first newline of the last `"\n\n"`.
    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return (0..<(bytes.count - 1)).last { bytes[$0] == NoteSyntax.newline && bytes[$0 + 1] == NoteSyntax.newline }
    }

    /// The note as it is served: text, blank line, one line per signature.
    public var formatted: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Signs `text` with every signer, in order. The text must be non-empty, end in a newline and
    /// contain no control characters other than newline; signer names must be valid key names.
    /// Rethrows what a signer throws.
    public static func sign(text: String, signers: [any NoteSigner]) throws -> SignedNote {
        try NoteSyntax.validateText(text)
        let message = Array(text.utf8)
        var signatures: [NoteSignature] = []
        for signer in signers {
            guard NoteSyntax.isValidKeyName(signer.name) else { throw NoteError.invalidKeyName(signer.name) }
            signatures.append(NoteSignature(name: signer.name, keyHint: signer.keyHint, signature: try signer.sign(message)))
        }
        return try SignedNote(text: text, signatures: signatures)
    }

    /// This note with `more` signature lines appended (a witness's cosignatures, say), skipping lines
    /// it already has.
    public func adding(_ more: [NoteSignature]) throws(NoteError) -> SignedNote {
        var all = signatures
        for signature in more where !all.contains(signature) { all.append(signature) }
        return try SignedNote(text: text, signatures: all)
    }

    /// Verifies the note against trusted keys (c2sp.org/signed-note "Signatures") and returns the
    /// signatures that verified, in note order, without exact duplicates.
    ///
    /// A line belongs to a verifier when both its name and key hint match; other lines are ignored.
    /// Throws ``NoteError/invalidSignature(name:keyHint:)`` if any line from a known key fails to
    /// verify, and ``NoteError/noKnownSignature(seen:)`` if no line comes from a known key.
    public func verify(with verifiers: [any NoteVerifier]) throws(NoteError) -> [NoteSignature] {
        try verifiedSignatures(with: verifiers).map(\.signature)
    }

    /// The verified signatures, each with whether every verifier that accepted it is a cosigner.
    func verifiedSignatures(with verifiers: [any NoteVerifier]) throws(NoteError) -> [(signature: NoteSignature, byCosigner: Bool)] {
        let message = Array(text.utf8)
        var verified: [(signature: NoteSignature, byCosigner: Bool)] = []
        for signature in signatures {
            let candidates = verifiers.filter { $0.name.isExactly(signature.name) && $0.keyHint == signature.keyHint }
            if candidates.isEmpty { continue }
            let accepting = candidates.filter { $0.verify(message, signature: signature.signature) }
            guard !accepting.isEmpty else { throw .invalidSignature(name: signature.name, keyHint: signature.keyHint) }
            if !verified.contains(where: { $0.signature == signature }) {
                verified.append((signature, accepting.allSatisfy(\.isCosigner)))
            }
        }
        guard !verified.isEmpty else { throw .noKnownSignature(seen: signatures.map(\.label)) }
        return verified
    }
}

extension NoteSyntax {
    /// A note text: non-empty, ends in a newline, no control characters other than newline. It may
    /// contain empty lines (the parser splits at the last one, so formatting always round-trips).
    static func validateText(_ text: String) throws(NoteError) {
        guard text.utf8.last == newline else { throw .invalidText("the text must be non-empty and end in a newline") }
        if let offset = firstControlCharacter(in: text.utf8) {
            throw .invalidText("control character at byte \(offset)")
        }
    }
}
