import Crypto
import Foundation
import Merkle
import Testing
@testable import SigstoreKit

/// STYLE G14: a valid signed checkpoint, taken apart every way we can think of.
@Suite("Checkpoint mangling")
struct CheckpointManglingTests {
    static let origin = "example.com/sigil/mangling"
    static let root = Hash(base64: "ESBmUt+FEqD73AJCcPy25PcrWpQU806S+IAkL2km+ak=")!

    let log: Ed25519NoteSigner
    let witness: CosignatureSigner
    let stranger: Ed25519NoteSigner

    init() throws {
        log = try Ed25519NoteSigner(name: Self.origin, privateKey: .init())
        witness = try CosignatureSigner(name: "example.com/sigil/witness", privateKey: .init(),
                                        now: { Date(timeIntervalSince1970: 1_700_000_000) })
        stranger = try Ed25519NoteSigner(name: "example.com/sigil/stranger", privateKey: .init())
    }

    /// A signed note over `text` in the log's name, bypassing checkpoint formatting.
    func note(text: String, signers: [any NoteSigner]? = nil) throws -> String {
        try SignedNote.sign(text: text, signers: signers ?? [log]).formatted
    }

    func parse(_ note: String, verifiers: [any NoteVerifier]? = nil) throws(NoteError) -> SignedCheckpoint {
        try SignedCheckpoint(parsing: note, verifiers: verifiers ?? [log.verifier, witness.verifier])
    }

    func expectRejected(_ note: String, as kind: NoteError.Kind, _ comment: Comment? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: NoteError.self, comment, sourceLocation: sourceLocation) { try parse(note) }
        #expect(error?.kind == kind, comment, sourceLocation: sourceLocation)
    }

    @Test("every strict prefix fails", arguments: ["ed25519", "p256"])
    func prefixes(algorithm: String) throws {
        let signer: any NoteSigner = algorithm == "p256"
            ? LogKeyNoteSigner(name: Self.origin, key: .generateP256()) : log
        let verifier: any NoteVerifier = algorithm == "p256" ? (signer as! LogKeyNoteSigner).verifier : log.verifier
        let bytes = Array(try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, treeSize: 1234, rootHash: Self.root),
                                                    signers: [signer]).formatted.utf8)
        #expect(throws: Never.self) { try SignedCheckpoint(parsing: bytes, verifiers: [verifier]) }
        let accepted = (0..<bytes.count).filter { (try? SignedCheckpoint(parsing: bytes[..<$0], verifiers: [verifier])) != nil }
        #expect(accepted == [])
    }

    @Test("changing any single byte (byte + 1) fails", arguments: ["ed25519", "p256"])
    func bytePlusOne(algorithm: String) throws {
        let signer: any NoteSigner = algorithm == "p256"
            ? LogKeyNoteSigner(name: Self.origin, key: .generateP256()) : log
        let verifier: any NoteVerifier = algorithm == "p256" ? (signer as! LogKeyNoteSigner).verifier : log.verifier
        let bytes = Array(try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, treeSize: 1234, rootHash: Self.root),
                                                    signers: [signer]).formatted.utf8)
        let accepted = bytes.indices.filter { index in
            var mangled = bytes
            mangled[index] &+= 1
            return (try? SignedCheckpoint(parsing: mangled, verifiers: [verifier])) != nil
        }
        #expect(accepted == [])
    }

    @Test("non-canonical tree sizes fail",
          arguments: ["+5", "05", "00", "-1", "-0", " 5", "5 ", "5\t", "0x5", "5e3", "1_000", "\u{0665}",
                      "18446744073709551616", "18446744073709551615", "9223372036854775808", ""])
    func treeSizes(size: String) throws {
        let text = "\(Self.origin)\n\(size)\n\(Self.root.base64)\n"
        let error = #expect(throws: NoteError.self) { try Checkpoint(parsing: text) }
        #expect(error?.kind == .malformedCheckpoint)
        if !size.contains("\t") {   // a tab cannot even be signed
            expectRejected(try note(text: text), as: .malformedCheckpoint)
        }
    }

    @Test("the canonical extremes parse")
    func canonicalSizes() throws {
        for size in [Int64(0), 9, 10, Int64.max] {
            let text = "\(Self.origin)\n\(size)\n\(Self.root.base64)\n"
            #expect(try parse(note(text: text)).checkpoint.treeSize == size)
        }
    }

    @Test("root hashes that are not canonical base64 of 32 bytes fail",
          arguments: [
              Data(repeating: 7, count: 31).base64EncodedString(),
              Data(repeating: 7, count: 33).base64EncodedString(),
              "",
              String(root.base64.dropLast()),                   // padding missing
              root.hex,
              root.base64.replacingOccurrences(of: "+", with: "-"),   // URL alphabet
              "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",    // non-zero trailing bits
              " " + root.base64,
          ])
    func rootHashes(root: String) throws {
        let text = "\(Self.origin)\n5\n\(root)\n"
        let error = #expect(throws: NoteError.self) { try Checkpoint(parsing: text) }
        #expect(error?.kind == .malformedCheckpoint)
        expectRejected(try note(text: text), as: .malformedCheckpoint)
    }

    @Test("missing or empty origin, size and root lines fail")
    func missingLines() throws {
        let r = Self.root.base64
        for text in ["5\n\(r)\n", "\(Self.origin)\n\(r)\n", "\(Self.origin)\n5\n", "\(Self.origin)\n",
                     "\n5\n\(r)\n", "\(Self.origin)\n\n\(r)\n", "\(Self.origin)\n5\n\(r)\n\nextension\n",
                     "\(Self.origin)\n5\n\(r)\nextension\n\n"] {
            expectRejected(try note(text: text), as: .malformedCheckpoint, "\(text.debugDescription)")
        }
        #expect(throws: NoteError.self) { try Checkpoint(parsing: "\(Self.origin)\n5\n\(r)") }
    }

    @Test("note-level damage fails: blank line, final newline, names, control characters, UTF-8")
    func noteDamage() throws {
        let good = try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, treeSize: 5, rootHash: Self.root), signers: [log])
        let text = good.checkpoint.noteText
        let line = good.note.signatures[0].line
        let payload = line.split(separator: " ")[2]

        expectRejected(text + line, as: .malformedNote, "missing blank line")
        expectRejected(String(good.formatted.dropLast()), as: .malformedNote, "missing final newline")
        expectRejected(text + "\n\u{2014}  \(payload)", as: .malformedNote, "empty name")
        expectRejected(text + "\n\u{2014} \(Self.origin)\(payload)", as: .malformedNote, "no space")
        expectRejected(text + "\n- \(Self.origin) \(payload)", as: .malformedNote, "hyphen instead of em dash")
        expectRejected(text + "\n\u{2014}\(Self.origin) \(payload)", as: .malformedNote, "no space after dash")
        expectRejected(text + "\n\u{2014} a+b \(payload)", as: .malformedNote, "plus in name")
        expectRejected(text + "\n\u{2014} a\u{2003}b \(payload)", as: .malformedNote, "em space in name")
        expectRejected(text + "\n\u{2014} \(Self.origin) AAAAAA==\n", as: .malformedNote, "4-byte payload")
        expectRejected(text + "\n\u{2014} \(Self.origin) \(payload.dropLast(2))\n", as: .malformedNote, "unpadded base64")
        expectRejected(text + "\n", as: .malformedNote, "no signature lines")
        expectRejected(good.formatted.replacingOccurrences(of: "\n5\n", with: "\r\n5\n"), as: .malformedNote, "CR")
        expectRejected(good.formatted.replacingOccurrences(of: "mangling", with: "mang\u{0}ling"), as: .malformedNote, "NUL")
        // Two notes back to back: the last blank line makes the first note part of the text.
        expectRejected(good.formatted + good.formatted, as: .invalidSignature, "two notes")

        var bytes = Array(good.formatted.utf8)
        bytes[3] = 0xFF
        let error = #expect(throws: NoteError.self) { try SignedCheckpoint(parsing: bytes, verifiers: [log.verifier]) }
        #expect(error == .malformedNote("not valid UTF-8"))
    }

    @Test("unknown-key-only signatures fail; a known key with a bad signature fails")
    func unknownAndBadKeys() throws {
        let checkpoint = Checkpoint(origin: Self.origin, treeSize: 5, rootHash: Self.root)
        let byStranger = try SignedCheckpoint.sign(checkpoint, signers: [stranger]).formatted
        let error = #expect(throws: NoteError.self) { try parse(byStranger) }
        #expect(error == .noKnownSignature(seen: ["example.com/sigil/stranger+\(String(format: "%08x", stranger.keyHint))"]))

        // The log's line from a different checkpoint: right name and hint, wrong signature.
        let other = try SignedCheckpoint.sign(Checkpoint(origin: Self.origin, treeSize: 6, rootHash: Self.root), signers: [log])
        let swapped = checkpoint.noteText + "\n" + other.note.signatures[0].line
        #expect(throws: NoteError.invalidSignature(name: Self.origin, keyHint: log.keyHint)) { try parse(swapped) }
        // ...even when another line from the log key is valid.
        let valid = try SignedCheckpoint.sign(checkpoint, signers: [log]).formatted
        #expect(throws: NoteError.invalidSignature(name: Self.origin, keyHint: log.keyHint)) {
            try parse(valid + other.note.signatures[0].line)
        }
        // A bad cosignature fails the checkpoint too (known key, line does not verify).
        let badCosignature = NoteSignature(name: witness.name, keyHint: witness.keyHint, signature: [UInt8](repeating: 0, count: 72))
        #expect(throws: NoteError.invalidSignature(name: witness.name, keyHint: witness.keyHint)) {
            try parse(valid + badCosignature.line)
        }
        // A cosignature line whose timestamp is above 2^63 - 1 is rejected by the verifier.
        var tooLate = try witness.sign(Array(checkpoint.noteText.utf8))
        tooLate[0] = 0x80
        #expect(throws: NoteError.self) {
            try Cosignature(NoteSignature(name: witness.name, keyHint: witness.keyHint, signature: tooLate))
        }
        #expect(!witness.verifier.verify(Array(checkpoint.noteText.utf8), signature: tooLate))
    }

    @Test("the log signature need not come first; extra witnesses and unknown keys are fine")
    func signatureOrder() throws {
        let checkpoint = Checkpoint(origin: Self.origin, treeSize: 5, rootHash: Self.root)
        let witness2 = try CosignatureSigner(name: "example.com/sigil/witness2", privateKey: .init(),
                                             now: { Date(timeIntervalSince1970: 1_800_000_000) })
        let signed = try SignedCheckpoint.sign(checkpoint, signers: [stranger, witness, witness2, log])
        #expect(signed.note.signatures.map(\.name).last == Self.origin)

        let parsed = try parse(signed.formatted, verifiers: [witness2.verifier, log.verifier, witness.verifier])
        #expect(parsed == signed)
        #expect(try parsed.note.verify(with: [witness2.verifier, log.verifier, witness.verifier]).map(\.name)
            == [witness.name, witness2.name, Self.origin])
        #expect(try witness.verifier.verifiedCosignature(in: parsed.note).timestamp == 1_700_000_000)
        #expect(try witness2.verifier.verifiedCosignature(in: parsed.note).timestamp == 1_800_000_000)
        // Only the log key known: everything else ignored.
        #expect(try parse(signed.formatted, verifiers: [log.verifier]) == signed)
        // Only witnesses known: no log signature.
        #expect(throws: NoteError.missingLogSignature) {
            try parse(signed.formatted, verifiers: [witness.verifier, witness2.verifier])
        }
        // A duplicated log line verifies once.
        let doubled = signed.formatted + signed.note.signatures[3].line
        #expect(try SignedNote(parsing: doubled).verify(with: [log.verifier]).count == 1)
    }

    @Test("at most 100 signature lines")
    func signatureLimit() throws {
        let checkpoint = Checkpoint(origin: Self.origin, treeSize: 5, rootHash: Self.root)
        let signed = try SignedCheckpoint.sign(checkpoint, signers: [log])
        let filler = try SignedCheckpoint.sign(checkpoint, signers: [stranger]).note.signatures[0].line
        let hundred = signed.formatted + String(repeating: filler, count: 99)
        #expect(try parse(hundred).note.signatures.count == 100)
        #expect(throws: NoteError.tooManySignatures(limit: 100)) { try parse(hundred + filler) }
        #expect(throws: NoteError.tooManySignatures(limit: 100)) {
            try signed.note.adding((0..<100).map { NoteSignature(name: "w\($0)", keyHint: 1, signature: [1]) })
        }
    }
}
