import Crypto
import Foundation
import Merkle
import Testing
@testable import SigstoreKit

@Suite("LogKeyNoteSigner / LogKeyNoteVerifier (Rekor's log key rule)")
struct NoteLogKeyTests {
    enum Algorithm: String, CaseIterable { case p256, ed25519 }

    static func key(_ algorithm: Algorithm) -> SigningKey {
        switch algorithm {
        case .p256: SigningKey.generateP256()
        case .ed25519: SigningKey.generateEd25519()
        }
    }

    static let checkpoint = Checkpoint(origin: "rekor.example.dev - 2605736670972794746", treeSize: 42,
                                       rootHash: Hash(base64: "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")!)

    @Test("round trip; key hint = first 4 bytes of VerificationKey.keyID", arguments: Algorithm.allCases)
    func roundTrip(algorithm: Algorithm) throws {
        let key = Self.key(algorithm)
        let signer = LogKeyNoteSigner(name: "rekor.example.dev", key: key)
        let id = key.verificationKey.keyID
        #expect(signer.keyHint == UInt32(id[0]) << 24 | UInt32(id[1]) << 16 | UInt32(id[2]) << 8 | UInt32(id[3]))
        #expect(NoteKeyID(spkiOf: key.verificationKey).bytes == id)

        let signed = try SignedCheckpoint.sign(Self.checkpoint, signers: [signer])
        #expect(signed.note.signatures.map(\.name) == ["rekor.example.dev"])
        #expect(signed.formatted.hasPrefix("rekor.example.dev - 2605736670972794746\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} rekor.example.dev "))

        let verifier = LogKeyNoteVerifier(name: "rekor.example.dev", key: key.verificationKey)
        #expect(verifier.keyHint == signer.keyHint)
        let parsed = try SignedCheckpoint(parsing: signed.formatted, verifiers: [verifier])
        #expect(parsed == signed)
        #expect(parsed.checkpoint == Self.checkpoint)
        #expect(try SignedCheckpoint(parsing: Array(signed.formatted.utf8), verifiers: [signer.verifier]) == signed)
    }

    @Test("another key, another name, or a bad signature fails", arguments: Algorithm.allCases)
    func wrongKey(algorithm: Algorithm) throws {
        let key = Self.key(algorithm)
        let signed = try SignedCheckpoint.sign(Self.checkpoint, signers: [LogKeyNoteSigner(name: "rekor.example.dev", key: key)])

        let other = LogKeyNoteVerifier(name: "rekor.example.dev", key: Self.key(algorithm).verificationKey)
        let unknown = #expect(throws: NoteError.self) { try SignedCheckpoint(parsing: signed.formatted, verifiers: [other]) }
        #expect(unknown?.kind == .noKnownSignature)

        let renamed = LogKeyNoteVerifier(name: "rekor.example.org", key: key.verificationKey)
        let wrongName = #expect(throws: NoteError.self) { try SignedCheckpoint(parsing: signed.formatted, verifiers: [renamed]) }
        #expect(wrongName?.kind == .noKnownSignature)

        // Same name and hint, signature by a different key: a known key whose line does not verify.
        let impostor = LogKeyNoteVerifier(name: "rekor.example.dev", key: Self.key(algorithm).verificationKey,
                                          keyHint: signed.note.signatures[0].keyHint)
        #expect(throws: NoteError.invalidSignature(name: "rekor.example.dev", keyHint: signed.note.signatures[0].keyHint)) {
            try SignedCheckpoint(parsing: signed.formatted, verifiers: [impostor])
        }
    }

    @Test("Rekor v2 style: Ed25519 log key with the C2SP key ID of its origin")
    func rekorV2Hint() throws {
        let key = SigningKey.generateEd25519()
        let hint = NoteKeyID(rekorV2Origin: "log2025-1.rekor.example.dev", key: key.verificationKey).hint
        #expect(hint != NoteKeyID(spkiOf: key.verificationKey).hint)
        let signer = LogKeyNoteSigner(name: "log2025-1.rekor.example.dev", key: key, keyHint: hint)
        let checkpoint = Checkpoint(origin: "log2025-1.rekor.example.dev", treeSize: 7, rootHash: Self.checkpoint.rootHash)
        let signed = try SignedCheckpoint.sign(checkpoint, signers: [signer])
        // An Ed25519 note verifier for the same key computes the same hint and accepts the signature.
        let raw = Array(key.verificationKey.spkiDER.suffix(32))   // an Ed25519 SPKI ends with the raw key
        let ed25519 = try Ed25519NoteVerifier(name: "log2025-1.rekor.example.dev", publicKey: .init(rawRepresentation: raw))
        #expect(ed25519.keyHint == hint)
        #expect(try SignedCheckpoint(parsing: signed.formatted, verifiers: [ed25519]) == signed)
        #expect(try SignedCheckpoint(parsing: signed.formatted, verifiers: [signer.verifier]) == signed)
    }

    @Test("Rekor v1 checkpoints: origin with spaces and a Timestamp extension line")
    func rekorV1Extensions() throws {
        let key = SigningKey.generateP256()
        let checkpoint = Checkpoint(origin: "rekor.mock - 1234", treeSize: 6, rootHash: Self.checkpoint.rootHash,
                                    extensions: ["Timestamp: 1795614058582793340"])
        #expect(checkpoint.noteText == "rekor.mock - 1234\n6\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nTimestamp: 1795614058582793340\n")
        let signer = LogKeyNoteSigner(name: "rekor.mock", key: key)
        let signed = try SignedCheckpoint.sign(checkpoint, signers: [signer])
        let parsed = try SignedCheckpoint(parsing: signed.formatted, verifiers: [signer.verifier])
        #expect(parsed.checkpoint.extensions == ["Timestamp: 1795614058582793340"])
    }

    @Test("signing refuses invalid key names")
    func invalidName() throws {
        for name in ["", "rekor example", "a+b", "tab\there", "nbsp\u{00A0}x"] {
            let signer = LogKeyNoteSigner(name: name, key: SigningKey.generateP256())
            #expect(throws: NoteError.invalidKeyName(name)) { try SignedCheckpoint.sign(Self.checkpoint, signers: [signer]) }
        }
    }
}
