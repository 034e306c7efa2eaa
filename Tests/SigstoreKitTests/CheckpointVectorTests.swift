import Crypto
import Foundation
import Merkle
import Testing
@testable import SigstoreKit

@Suite("signed-note.json: checkpoints and cosignatures")
struct CheckpointVectorTests {
    let vectors: NoteVectors.Generated
    let logSigner: Ed25519NoteSigner
    let logVerifier: Ed25519NoteVerifier
    let witness: CosignatureVerifier

    init() throws {
        vectors = try NoteVectors.load().generatedCheckpoints
        let logKey = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](hex: vectors.logKey.ed25519SeedHex))
        logSigner = try Ed25519NoteSigner(name: vectors.logKey.origin, privateKey: logKey)
        logVerifier = try Ed25519NoteVerifier(verifierKey: vectors.logKey.vkey)
        witness = try CosignatureVerifier(verifierKey: vectors.witnessKey.vkeyType0x04)
    }

    func witnessSigner(at timestamp: Int64) throws -> CosignatureSigner {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](hex: vectors.witnessKey.ed25519SeedHex))
        return try CosignatureSigner(name: vectors.witnessKey.name, privateKey: key,
                                     now: { Date(timeIntervalSince1970: TimeInterval(timestamp)) })
    }

    func vectorCase(_ size: Int64) throws -> NoteVectors.Generated.Case {
        try #require(vectors.cases.first { $0.treeSize == size })
    }

    @Test("the keys match their published seeds, public keys and vkeys")
    func keys() throws {
        #expect(logSigner.verifierKey == vectors.logKey.vkey)
        #expect(Array(logVerifier.publicKey.rawRepresentation).hex == vectors.logKey.publicKeyHex)
        #expect(logVerifier.keyHint == 0xe90e_e08a)
        #expect(Array(witness.publicKey.rawRepresentation).hex == vectors.witnessKey.publicKeyHex)
        #expect(witness.name == vectors.witnessKey.name)
        #expect(witness.keyHint == 0x7d96_02e0)
        #expect(try witnessSigner(at: 0).verifier.verifierKey == vectors.witnessKey.vkeyType0x04)
        #expect(try witnessSigner(at: 0).keyHint == witness.keyHint)
    }

    @Test("generated checkpoint parses, verifies and round-trips", arguments: [Int64(0), 1, 7, 64])
    func checkpoint(size: Int64) throws {
        let v = try vectorCase(size)
        let signed = try SignedCheckpoint(parsing: v.checkpoint, verifiers: [logVerifier])
        #expect(signed.checkpoint.origin == vectors.logKey.origin)
        #expect(signed.checkpoint.treeSize == size)
        #expect(signed.checkpoint.rootHash.hex == v.rootHex)
        #expect(signed.checkpoint.rootHash == Hash(base64: signed.checkpoint.rootHash.base64))
        #expect(signed.checkpoint.extensions.isEmpty)
        #expect(signed.checkpoint.noteText == v.body)
        #expect(signed.formatted == v.checkpoint)

        let rebuilt = Checkpoint(origin: vectors.logKey.origin, treeSize: size, rootHash: try #require(Hash(hex: v.rootHex)))
        #expect(rebuilt == signed.checkpoint)
        let resigned = try SignedCheckpoint.sign(rebuilt, signers: [logSigner])
        #if os(Linux)
        #expect(resigned.formatted == v.checkpoint)
        #endif
        #expect(try SignedCheckpoint(parsing: resigned.formatted, verifiers: [logVerifier]) == resigned)
    }

    @Test("cosigned checkpoint verifies with log key and witness, and exposes the timestamp", arguments: [Int64(0), 1, 7, 64])
    func cosigned(size: Int64) throws {
        let v = try vectorCase(size)
        let signed = try SignedCheckpoint(parsing: v.cosignedCheckpoint, verifiers: [logVerifier, witness])
        #expect(signed.formatted == v.cosignedCheckpoint)
        #expect(signed.checkpoint.treeSize == size)
        #expect(try signed.note.verify(with: [witness, logVerifier]).map(\.name) == [vectors.logKey.origin, vectors.witnessKey.name])

        let cosignature = try witness.verifiedCosignature(in: signed.note)
        #expect(cosignature.timestamp == v.cosignatureTimestamp)
        #expect(cosignature.date == Date(timeIntervalSince1970: TimeInterval(v.cosignatureTimestamp)))
        #expect(Cosignature.message(timestamp: cosignature.timestamp, text: Array(v.body.utf8)) == Array(v.cosignedMessage.utf8))

        // The log's key alone suffices (the witness line is from an unknown key and ignored)...
        #expect(try SignedCheckpoint(parsing: v.cosignedCheckpoint, verifiers: [logVerifier]) == signed)
        // ...but the witness alone does not: a cosignature never replaces the log's signature.
        #expect(throws: NoteError.missingLogSignature) {
            try SignedCheckpoint(parsing: v.cosignedCheckpoint, verifiers: [witness])
        }
        // Without its line, the witness reports that it did not cosign.
        let error = #expect(throws: NoteError.self) { try witness.verifiedCosignature(in: SignedNote(parsing: v.checkpoint)) }
        #expect(error?.kind == .noKnownSignature)
    }

    @Test("the witness re-signs the vector cosignature, and cosignatures can be added to a checkpoint", arguments: [Int64(0), 1, 7, 64])
    func cosigning(size: Int64) throws {
        let v = try vectorCase(size)
        let logOnly = try SignedCheckpoint(parsing: v.checkpoint, verifiers: [logVerifier])
        let cosigner = try witnessSigner(at: v.cosignatureTimestamp)
        let cosignature = try cosigner.sign(Array(v.body.utf8))
        #expect(cosignature.count == 72)
        let line = NoteSignature(name: cosigner.name, keyHint: cosigner.keyHint, signature: cosignature)
        let cosigned = try logOnly.adding([line])
        #if os(Linux)
        #expect(cosigned.formatted == v.cosignedCheckpoint)
        // Signing with the log key and the cosigner at once gives the same note.
        #expect(try SignedCheckpoint.sign(logOnly.checkpoint, signers: [logSigner, cosigner]) == cosigned)
        #endif
        #expect(try witness.verifiedCosignature(in: cosigned.note).timestamp == v.cosignatureTimestamp)
        // Adding the same line twice keeps one copy.
        #expect(try cosigned.adding([line]).note.signatures.count == 2)
    }

    @Test("go_sumdb_tree_note: the Go sumdb tree text is a checkpoint")
    func goSumdbTree() throws {
        let v = try NoteVectors.load().goSumdbTreeNote
        let checkpoint = try Checkpoint(parsing: v.text)
        #expect(checkpoint.origin == "go.sum database tree")
        #expect(checkpoint.treeSize == v.treeSize)
        let recordHash = Array(SHA256.hash(data: [0x00] + Array("hello world".utf8)))
        #expect(checkpoint.rootHash.bytes == recordHash)
        #expect(checkpoint.noteText == v.text)
    }
}
