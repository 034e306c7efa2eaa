import Crypto
import Foundation
import SigstoreKit
import Testing
import WireFormat

@Suite("DSSE envelopes and dsse 0.0.1 entries")
struct DSSETests {
    typealias F = RekorFixtures

    @Test("PAE is DSSEv1 SP len(type) SP type SP len(payload) SP payload")
    func preAuthenticationEncoding() {
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        // Lengths count UTF-8 bytes, not characters.
        let unicode = DSSEEnvelope.preAuthenticationEncoding(payloadType: "tÿpe", payload: [0xE2, 0x82, 0xAC])
        #expect(unicode == Array("DSSEv1 5 tÿpe 3 €".utf8))
        #expect(DSSEEnvelope.preAuthenticationEncoding(payloadType: "t", payload: []) == Array("DSSEv1 1 t 0 ".utf8))
    }

    @Test("envelope JSON round trip; keyid is optional")
    func envelopeJSON() throws {
        let envelope = try DSSEEnvelope(parsing: Array(F.dsseEnvelope.utf8))
        #expect(envelope.payloadType == "application/vnd.in-toto+json")
        #expect(envelope.signatures == [DSSEEnvelope.Signature(keyID: "", signature: StrictBase64.decode(F.dsseSignature)!)])
        #expect(String(decoding: CanonicalJSON.encode(envelope.json), as: UTF8.self) == F.dsseEnvelope)

        let bare = try DSSEEnvelope(parsing: Array(#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AAAA"}]}"#.utf8))
        #expect(bare.signatures == [DSSEEnvelope.Signature(keyID: nil, signature: [0, 0, 0])])
        #expect(bare.payload == Array("hi".utf8))
    }

    @Test("malformed envelopes are rejected", arguments: [
        (#"{"payload":"aGk=","payloadType":"t","signatures":[]}"#, "envelope signatures must be a non-empty array"),
        (#"{"payload":"aGk=","payloadType":"t"}"#, "envelope signatures must be a non-empty array"),
        (#"{"payload":"aGk","payloadType":"t","signatures":[{"sig":"AAAA"}]}"#, "envelope payload is not valid base64"),
        (#"{"payload":"","payloadType":"t","signatures":[{"sig":"AAAA"}]}"#, "envelope payload must be a non-empty string"),
        (#"{"payload":"aGk=","payloadType":"","signatures":[{"sig":"AAAA"}]}"#, "envelope payloadType must be a non-empty string"),
        (#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AA-_"}]}"#, "envelope signature 0 sig is not valid base64"),
        (#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AAAA","keyid":1}]}"#, "envelope signature 0 keyid must be a string"),
        (#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AAAA","publicKey":"x"}]}"#, #"envelope signature 0 has unknown field "publicKey""#),
        (#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AAAA"}],"extra":1}"#, #"envelope has unknown field "extra""#),
        (#"["payload"]"#, "envelope must be a JSON object"),
        (#"{"payload":"aGk=",}"#, "envelope is not valid JSON: invalid JSON at byte 18: unexpected character '}'"),
    ])
    func malformedEnvelope(json: String, message: String) {
        #expect(throws: DSSEError(message)) { try DSSEEnvelope(parsing: Array(json.utf8)) }
    }

    @Test("OpenSSL vector: exact canonical body; in-toto subject digests are search keys")
    func opensslVector() throws {
        let entry = try RekorEntry.canonicalize(proposedEntry: F.dsseProposal().bytes)
        #expect(entry.kind == "dsse")
        #expect(entry.apiVersion == "0.0.1")
        #expect(String(decoding: entry.body, as: UTF8.self) == F.dsseBody)
        #expect(entry.searchKeys == EntrySearchKeys(
            artifactHashes: ["sha256:\(F.dssePayloadSHA256)", "sha256:\(F.artifactSHA256)", "sha256:\(String(repeating: "ab", count: 32))"],
            identities: F.identities,
            publicKeyFingerprints: [F.keyFingerprint]))
    }

    @Test("stored dsse body reads back; its search keys lack the subject digests")
    func parseStoredBody() throws {
        let parsed = try RekorEntry.parseCanonicalBody(Array(F.dsseBody.utf8))
        guard case .dsse(let entry) = parsed else { Issue.record("wrong kind"); return }
        #expect(LowercaseHex.encode(entry.payloadHash) == F.dssePayloadSHA256)
        #expect(LowercaseHex.encode(entry.envelopeHash) == F.dsseEnvelopeSHA256)
        #expect(entry.signatures.map(\.signatureContent) == [F.dsseSignature])
        #expect(parsed.searchKeys.artifactHashes == ["sha256:\(F.dssePayloadSHA256)"])
    }

    @Test("two signers: signatures sorted by their base64 text, each with its own verifier")
    func signatureSorting() throws {
        let payload = Array("plain payload".utf8)
        let type = "text/plain"
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: type, payload: payload)
        let p256 = SigningKey.generateP256()
        let ed25519 = SigningKey.generateEd25519()
        let signatures = [try p256.sign(pae), try ed25519.sign(pae)].map { DSSEEnvelope.Signature(signature: $0) }
        let envelope = DSSEEnvelope(payloadType: type, payload: payload, signatures: signatures)
        let verifierPEMs = [ed25519.verificationKey.pem, p256.verificationKey.pem]
        let proposal = DSSEV001.proposedEntry(envelope: envelope, verifierPEMs: verifierPEMs)

        let entry = try RekorEntry.canonicalize(proposedEntry: proposal)

        guard case .dsse(let content) = entry.content else { Issue.record("wrong kind"); return }
        let expected = [(StrictBase64.encode(signatures[0].signature), F.base64(verifierPEMs[1])),
                        (StrictBase64.encode(signatures[1].signature), F.base64(verifierPEMs[0]))]
            .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        #expect(content.signatures.map(\.signatureContent) == expected.map(\.0))
        #expect(content.signatures.map(\.verifierContent) == expected.map(\.1))
        let body = String(decoding: entry.body, as: UTF8.self)
        #expect(body.contains(#""signatures":[{"signature":"\#(expected[0].0)","verifier":"\#(expected[0].1)"},{"signature":"\#(expected[1].0)","verifier":"\#(expected[1].1)"}]"#))
        // Not in-toto: only the payload hash is an artifact hash.
        #expect(entry.searchKeys.artifactHashes == ["sha256:\(LowercaseHex.encode(SHA256.hash(data: payload)))"])
        #expect(Set(entry.searchKeys.publicKeyFingerprints) == Set([p256, ed25519].map { LowercaseHex.encode($0.verificationKey.keyID) }))
        #expect(try RekorEntry.parseCanonicalBody(entry.body) == entry.content)

        // The same signatures stored in the wrong order are not a canonical body.
        let reversed = body.replacingOccurrences(
            of: #"{"signature":"\#(expected[0].0)","verifier":"\#(expected[0].1)"},{"signature":"\#(expected[1].0)","verifier":"\#(expected[1].1)"}"#,
            with: #"{"signature":"\#(expected[1].0)","verifier":"\#(expected[1].1)"},{"signature":"\#(expected[0].0)","verifier":"\#(expected[0].1)"}"#)
        #expect(throws: EntryError(.malformed, "spec.signatures are not sorted by signature")) {
            try RekorEntry.parseCanonicalBody(Array(reversed.utf8))
        }
    }

    @Test("a signature that does not verify with any verifier is rejected")
    func badSignature() throws {
        let otherKey = SigningKey.generateP256()
        #expect(throws: EntryError(.invalidSignature, "envelope signature 0 does not verify with any of the verifiers")) {
            try RekorEntry.canonicalize(proposedEntry: F.dsseProposal(verifiers: [F.base64(otherKey.verificationKey.pem)]).bytes)
        }
        // A signature over the payload alone, not over the PAE.
        let payload = Array("x".utf8)
        let envelope = DSSEEnvelope(payloadType: "text/plain", payload: payload, signatures: [.init(signature: try otherKey.sign(payload))])
        #expect(throws: EntryError(.invalidSignature, "envelope signature 0 does not verify with any of the verifiers")) {
            try RekorEntry.canonicalize(proposedEntry: DSSEV001.proposedEntry(envelope: envelope, verifierPEMs: [otherKey.verificationKey.pem]))
        }
        // Every signature must verify, not just one.
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: "text/plain", payload: payload)
        let twoSigs = DSSEEnvelope(payloadType: "text/plain", payload: payload,
                                   signatures: [.init(signature: try otherKey.sign(pae)), .init(signature: try otherKey.sign(payload))])
        #expect(throws: EntryError(.invalidSignature, "envelope signature 1 does not verify with any of the verifiers")) {
            try RekorEntry.canonicalize(proposedEntry: DSSEV001.proposedEntry(envelope: twoSigs, verifierPEMs: [otherKey.verificationKey.pem]))
        }
    }

    @Test("proposal rejections", arguments: [
        RejectedProposal("server-computed fields as well", F.dsseProposal().replacing(["spec", "payloadHash"], with: ["algorithm": "sha256", "value": "00"]),
                         .malformed, "spec must contain either proposedContent or the server-computed payloadHash, but not both"),
        RejectedProposal("only server-computed fields", Array(F.dsseBody.utf8), .malformed,
                         "spec.proposedContent is missing (envelopeHash, payloadHash, signatures are computed by the log)"),
        RejectedProposal("proposedContent missing", F.dsseProposal().replacing(["spec", "proposedContent"], with: nil), .malformed, "spec.proposedContent is missing"),
        RejectedProposal("envelope missing", F.dsseProposal().replacing(["spec", "proposedContent", "envelope"], with: nil), .malformed, "spec.proposedContent.envelope is missing"),
        RejectedProposal("envelope as an object", F.dsseProposal().replacing(["spec", "proposedContent", "envelope"], with: ["payload": "aGk="]), .malformed, "spec.proposedContent.envelope must be a string"),
        RejectedProposal("envelope not JSON", F.dsseProposal(envelope: "{"), .malformed, "spec.proposedContent.envelope: envelope is not valid JSON: invalid JSON at byte 1: unexpected end of input"),
        RejectedProposal("verifiers missing", F.dsseProposal().replacing(["spec", "proposedContent", "verifiers"], with: nil), .malformed, "spec.proposedContent.verifiers is missing"),
        RejectedProposal("verifiers empty", F.dsseProposal(verifiers: []), .malformed, "spec.proposedContent.verifiers is empty"),
        RejectedProposal("verifier not base64", F.dsseProposal(verifiers: ["%%%%"]), .malformed, "spec.proposedContent.verifiers[0] is not valid base64"),
        RejectedProposal("verifier is DER", F.dsseProposal(verifiers: [StrictBase64.encode(SigningKey.generateP256().verificationKey.spkiDER)]), .malformed,
                         "spec.proposedContent.verifiers[0] must be base64 of PEM text, not of DER"),
        RejectedProposal("verifier not a string", F.dsseProposal().replacing(["spec", "proposedContent", "verifiers"], with: [1]), .malformed, "spec.proposedContent.verifiers[0] must be a non-empty string"),
        RejectedProposal("unknown field in proposedContent", F.dsseProposal().replacing(["spec", "proposedContent", "extra"], with: 1), .malformed, #"unknown field "spec.proposedContent.extra""#),
        RejectedProposal("unknown apiVersion", F.dsseProposal().replacing(["apiVersion"], with: "0.0.2"), .unsupportedType, #"unsupported apiVersion "0.0.2" for dsse"#),
        RejectedProposal("17 verifiers", F.dsseProposal(verifiers: Array(repeating: F.certificate, count: 17)), .malformed,
                         "spec.proposedContent.verifiers has 17 entries; at most 16 are accepted"),
        RejectedProposal("17 signatures", F.dsseProposal(envelope: String(decoding: CanonicalJSON.encode(DSSEEnvelope(
            payloadType: "t", payload: [1], signatures: Array(repeating: .init(signature: [1]), count: 17)).json), as: UTF8.self)), .malformed,
                         "spec.proposedContent.envelope has 17 signatures; at most 16 are accepted"),
        RejectedProposal("intoto kind", F.dsseProposal().replacing(["kind"], with: "intoto"), .unsupportedType, #"unsupported kind "intoto""#),
    ])
    func rejects(_ rejected: RejectedProposal) {
        #expect(throws: rejected.error) { try RekorEntry.canonicalize(proposedEntry: rejected.proposal) }
    }
}
