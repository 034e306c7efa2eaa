import Crypto
import Foundation
import Merkle
import TestSupport
import Testing
@testable import SigstoreKit

/// `fixtures/vectors/signed-note.json` (a copy of the shared vectors; their README, section signed-note.json, describes it).
struct NoteVectors: Decodable {
    struct GoSumdbNote: Decodable {
        let signerKey: String
        let verifierKeys: [String]
        let text: String
        let signedNoteSingle: String
        let signedNoteTwoSigs: String
    }
    struct GoSumdbTreeNote: Decodable {
        let treeSize: Int64
        let text: String
    }
    struct C2SPExample: Decodable {
        let verifierKey: String
        let text: String
        let signedNote: String
    }
    struct FormatOnly: Decodable {
        let checkpoint: String
        let cosignedCheckpointExtraLine: String
        let cosignatureV1MessageExample: String
    }
    struct KeyIDs: Decodable {
        struct Case: Decodable {
            let alg: String
            let origin: String
            let publicKeySpkiDerB64: String
            let keyId: UInt32
            let logIdHex: String
        }
        let cases: [Case]
    }
    struct Generated: Decodable {
        struct LogKey: Decodable {
            let origin: String
            let ed25519SeedHex: String
            let publicKeyHex: String
            let vkey: String
        }
        struct WitnessKey: Decodable {
            let name: String
            let ed25519SeedHex: String
            let publicKeyHex: String
            let vkeyType0x04: String

            // convertFromSnakeCase turns "vkey_type_0x04" into "vkeyType0X04".
            enum CodingKeys: String, CodingKey {
                case name, ed25519SeedHex, publicKeyHex, vkeyType0x04 = "vkeyType0X04"
            }
        }
        struct Case: Decodable {
            let treeSize: Int64
            let rootHex: String
            let body: String
            let checkpoint: String
            let cosignedCheckpoint: String
            let cosignatureTimestamp: Int64
            let cosignedMessage: String
        }
        let logKey: LogKey
        let witnessKey: WitnessKey
        let cases: [Case]
    }

    let goSumdbNote: GoSumdbNote
    let goSumdbTreeNote: GoSumdbTreeNote
    let c2spSignedNoteExample: C2SPExample
    let c2spFormatOnlyExamples: FormatOnly
    let rekorV2KeyIds: KeyIDs
    let generatedCheckpoints: Generated

    static func load() throws -> NoteVectors {
        let data = try Data(contentsOf: Fixtures.url("vectors/signed-note.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(NoteVectors.self, from: data)
    }
}

extension Array where Element == UInt8 {
    /// Test helper: bytes from hex digits (traps on bad input).
    init(hex: String) {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0)
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension NoteError {
    enum Kind { case malformedNote, tooManySignatures, invalidText, invalidKeyName, malformedKey, invalidSignature,
                noKnownSignature, missingLogSignature, malformedCheckpoint, malformedCosignature }

    /// The case without its payload, for `#expect(error?.kind == ...)`.
    var kind: Kind {
        switch self {
        case .malformedNote: .malformedNote
        case .tooManySignatures: .tooManySignatures
        case .invalidText: .invalidText
        case .invalidKeyName: .invalidKeyName
        case .malformedKey: .malformedKey
        case .invalidSignature: .invalidSignature
        case .noKnownSignature: .noKnownSignature
        case .missingLogSignature: .missingLogSignature
        case .malformedCheckpoint: .malformedCheckpoint
        case .malformedCosignature: .malformedCosignature
        }
    }
}

@Suite("signed-note.json: notes and key IDs")
struct NoteVectorTests {
    let vectors: NoteVectors

    init() throws {
        vectors = try NoteVectors.load()
    }

    @Test("go_sumdb_note: the test skey signs text into signed_note_single")
    func goSumdbSigning() throws {
        let v = vectors.goSumdbNote
        let signer = try Ed25519NoteSigner(signerKey: v.signerKey)
        #expect(signer.name == "PeterNeumann")
        #expect(signer.keyHint == 0xc74f_20a3)
        #expect(signer.signerKey == v.signerKey)
        #expect(signer.verifierKey == v.verifierKeys[0])

        let note = try SignedNote.sign(text: v.text, signers: [signer])
        #if os(Linux)
        // BoringSSL Ed25519 is deterministic; Apple CryptoKit randomises signatures.
        #expect(note.formatted == v.signedNoteSingle)
        #endif
        #expect(try note.verify(with: [signer.verifier]) == note.signatures)
        #expect(try SignedNote(parsing: v.signedNoteSingle).verify(with: [signer.verifier]).count == 1)
    }

    @Test("go_sumdb_note: the two-signature note verifies with both keys, and with either one alone")
    func goSumdbTwoSignatures() throws {
        let v = vectors.goSumdbNote
        let peter = try Ed25519NoteVerifier(verifierKey: v.verifierKeys[0])
        let enoch = try Ed25519NoteVerifier(verifierKey: v.verifierKeys[1])
        #expect(peter.verifierKey == v.verifierKeys[0])
        #expect(enoch.verifierKey == v.verifierKeys[1])
        #expect((enoch.name, enoch.keyHint) == ("EnochRoot", 0xaf0c_fe78))

        let note = try SignedNote(parsing: v.signedNoteTwoSigs)
        #expect(note.text == v.text)
        #expect(note.formatted == v.signedNoteTwoSigs)
        #expect(try note.verify(with: [peter, enoch]).map(\.name) == ["PeterNeumann", "EnochRoot"])
        #expect(try note.verify(with: [enoch, peter]).map(\.name) == ["PeterNeumann", "EnochRoot"])
        #expect(try note.verify(with: [peter]).map(\.name) == ["PeterNeumann"])
        #expect(try note.verify(with: [enoch]).map(\.name) == ["EnochRoot"])

        let error = #expect(throws: NoteError.self) { try SignedNote(parsing: v.signedNoteSingle).verify(with: [enoch]) }
        #expect(error == .noKnownSignature(seen: ["PeterNeumann+c74f20a3"]))
    }

    @Test("c2sp_signed_note_example verifies and round-trips")
    func c2spExample() throws {
        let v = vectors.c2spSignedNoteExample
        let verifier = try Ed25519NoteVerifier(verifierKey: v.verifierKey)
        #expect(verifier.name == "example.com/foo")
        #expect(verifier.keyHint == 0x530d_903a)
        let note = try SignedNote(parsing: v.signedNote)
        #expect(note.text == v.text)
        #expect(note.formatted == v.signedNote)
        #expect(try note.verify(with: [verifier]) == note.signatures)
    }

    @Test("c2sp_format_only_examples: checkpoint and cosignature layout (no keys published)")
    func c2spFormatOnly() throws {
        let v = vectors.c2spFormatOnlyExamples
        let note = try SignedNote(parsing: v.checkpoint)
        #expect(note.formatted == v.checkpoint)
        let checkpoint = try Checkpoint(parsing: note.text)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.treeSize == 20_852_163)
        #expect(checkpoint.rootHash.base64 == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
        #expect(checkpoint.extensions.isEmpty)
        #expect(checkpoint.noteText == note.text)

        let cosigned = try SignedNote(parsing: v.checkpoint + v.cosignedCheckpointExtraLine)
        #expect(cosigned.formatted == v.checkpoint + v.cosignedCheckpointExtraLine)
        #expect(cosigned.signatures.map(\.name) == ["example.com/behind-the-sofa", "witness.example.com/w1"])
        let cosignature = try Cosignature(cosigned.signatures[1])
        #expect(cosignature.timestamp == 1_679_315_147)
        #expect(cosignature.signature.count == 64)
        #expect(cosignature.noteSignature == cosigned.signatures[1])
        #expect(Cosignature.message(timestamp: cosignature.timestamp, text: Array(note.text.utf8))
            == Array(v.cosignatureV1MessageExample.utf8))
    }

    @Test("rekor_v2_key_ids: Ed25519, ECDSA and RSA log IDs recompute")
    func rekorV2KeyIDs() throws {
        #expect(vectors.rekorV2KeyIds.cases.map(\.alg) == ["ed25519", "ecdsa", "rsa"])
        for c in vectors.rekorV2KeyIds.cases {
            let key = try VerificationKey(spkiDER: Data(base64Encoded: c.publicKeySpkiDerB64)!)
            let id = NoteKeyID(rekorV2Origin: c.origin, key: key)
            #expect(id.hex == c.logIdHex, "\(c.alg)")
            #expect(id.bytes.count == 32)
            #expect(id.hint == c.keyId, "\(c.alg)")
            // ECDSA (and only ECDSA) matches the Rekor v1 rule, SHA-256(SPKI) without the origin.
            #expect((NoteKeyID(spkiOf: key) == id) == (c.alg == "ecdsa"), "\(c.alg)")
        }
    }
}
