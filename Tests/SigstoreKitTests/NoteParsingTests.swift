import Crypto
import Foundation
import Testing
@testable import SigstoreKit

@Suite("SignedNote parsing, signing and note keys")
struct NoteParsingTests {
    let signer: Ed25519NoteSigner

    init() throws {
        signer = try Ed25519NoteSigner(name: "example.com/notes", privateKey: .init())
    }

    @Test("texts that cannot be signed are refused")
    func invalidTexts() throws {
        for text in ["", "no final newline", "bell\u{7}\n", "cr\r\n", "tab\there\n"] {
            let error = #expect(throws: NoteError.self, "\(text.debugDescription)") { try SignedNote.sign(text: text, signers: [signer]) }
            #expect(error?.kind == .invalidText)
        }
        let error = #expect(throws: NoteError.self) { try SignedNote.sign(text: "hello\n", signers: []) }
        #expect(error?.kind == .malformedNote)
    }

    @Test("text may contain empty lines; the last blank line separates the signatures (c2sp signed-note)")
    func emptyLinesInText() throws {
        for text in ["a\n\nb\n", "\n", "a\n\n", "a\n\n\u{2014} looks like a signature line\n"] {
            let note = try SignedNote.sign(text: text, signers: [signer])
            let parsed = try SignedNote(parsing: note.formatted)
            #expect(parsed == note, "\(text.debugDescription)")
            #expect(try parsed.verify(with: [signer.verifier]).count == 1)
        }
    }

    @Test("unicode text round-trips; DEL is not a control character per the spec")
    func unicodeText() throws {
        let text = "Ognuno sta solo sul cuor della terra\ned \u{e8} subito sera \u{1F319}\u{7F}\n"
        let note = try SignedNote.sign(text: text, signers: [signer])
        #expect(try SignedNote(parsing: note.formatted) == note)
        #expect(try SignedNote(parsing: Array(note.formatted.utf8)) == note)
    }

    @Test("NoteSignature lines and SignedNote(text:signatures:)")
    func parts() throws {
        let line = NoteSignature(name: "n", keyHint: 0x0102_0304, signature: [5])
        #expect(line.line == "\u{2014} n AQIDBAU=\n")
        let note = try SignedNote(text: "t\n", signatures: [line])
        #expect(note.formatted == "t\n\n\u{2014} n AQIDBAU=\n")
        #expect(try SignedNote(parsing: note.formatted) == note)
        #expect(throws: NoteError.invalidKeyName("a b")) {
            try SignedNote(text: "t\n", signatures: [NoteSignature(name: "a b", keyHint: 1, signature: [1])])
        }
        #expect(throws: NoteError.self) { try SignedNote(text: "t\n", signatures: [NoteSignature(name: "n", keyHint: 1, signature: [])]) }
        #expect(throws: NoteError.self) { try SignedNote(text: "t\n", signatures: []) }
    }

    @Test("vkeys and skeys round-trip and are checked")
    func keyStrings() throws {
        let vkey = signer.verifierKey
        #expect(vkey.hasPrefix("example.com/notes+\(String(format: "%08x", signer.keyHint))+A"))
        #expect(try Ed25519NoteVerifier(verifierKey: vkey).verifierKey == vkey)
        #expect(try Ed25519NoteSigner(signerKey: signer.signerKey).verifierKey == vkey)
        #expect(signer.signerKey.hasPrefix("PRIVATE+KEY+example.com/notes+"))

        let fields = vkey.split(separator: "+", maxSplits: 2).map(String.init)
        let wrongHint = String(format: "%08x", signer.keyHint ^ 1)
        let material = try #require(Data(base64Encoded: fields[2]))
        let asCosigner = Data([0x04] + material.dropFirst()).base64EncodedString()
        let short = Data(material.dropLast()).base64EncodedString()
        for bad in ["\(fields[0])+\(wrongHint)+\(fields[2])",           // key ID does not match
                    "\(fields[0])+\(fields[1].uppercased())0+\(fields[2])",
                    "\(fields[0])+\(fields[1])",
                    "\(fields[0])+\(fields[1])+\(fields[2])+x",
                    "+\(fields[1])+\(fields[2])",
                    "\(fields[0])+\(fields[1])+\(short)",
                    "\(fields[0])+\(fields[1])+\(asCosigner)",           // type 0x04 is not an Ed25519 note key
                    "\(fields[0])+\(fields[1])+\(fields[2].dropLast())"] {
            let error = #expect(throws: NoteError.self, "\(bad)") { try Ed25519NoteVerifier(verifierKey: bad) }
            #expect(error?.kind == .malformedKey)
        }
        let error = #expect(throws: NoteError.self) { try Ed25519NoteSigner(signerKey: vkey) }
        #expect(error?.kind == .malformedKey)
        // An Ed25519 (0x01) vkey is not a cosigner key either.
        #expect(throws: NoteError.self) { try CosignatureVerifier(verifierKey: vkey) }
    }

    @Test("key IDs follow SHA-256(name || 0x0A || type || key)")
    func keyIDs() throws {
        let raw = Array(signer.verifier.publicKey.rawRepresentation)
        let expected = Array(SHA256.hash(data: Array("example.com/notes".utf8) + [0x0A, 0x01] + raw))
        #expect(NoteKeyID(name: "example.com/notes", signatureType: .ed25519, publicKey: raw).bytes == expected)
        #expect(signer.keyHint == UInt32(expected[0]) << 24 | UInt32(expected[1]) << 16 | UInt32(expected[2]) << 8 | UInt32(expected[3]))
        // The same key and name as a cosigner (type 0x04) has a different key ID.
        let key = Curve25519.Signing.PrivateKey()
        let asNoteKey = try Ed25519NoteSigner(name: "example.com/notes", privateKey: key)
        let asCosigner = try CosignatureSigner(name: "example.com/notes", privateKey: key)
        #expect(asNoteKey.keyHint != asCosigner.keyHint)
        #expect(asCosigner.keyHint == NoteKeyID(name: "example.com/notes", signatureType: .cosignatureV1,
                                                publicKey: key.publicKey.rawRepresentation).hint)
    }

    @Test("error messages read \"couldn't ...\"")
    func messages() {
        #expect(NoteError.malformedCheckpoint("x").description == "couldn't parse checkpoint: x")
        #expect(NoteError.invalidSignature(name: "log", keyHint: 0xab).description
            == "couldn't verify note: the signature by log+000000ab is invalid")
        #expect(NoteError.noKnownSignature(seen: ["a+00000001"]).description
            == "couldn't verify note: no signature from a known key (signed by a+00000001)")
    }
}
