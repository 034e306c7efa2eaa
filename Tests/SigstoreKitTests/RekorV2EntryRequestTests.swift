import Crypto
import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// The two request forms a Rekor v2 log accepts: a DSSE envelope becomes exactly the hashedrekord
/// 0.0.2 a client would log for it, and adds the payload's and in-toto subjects' digests as search
/// keys; every malformed envelope request is refused with its reason.
@Suite struct RekorV2EntryRequestTests {
    static let file = Array(SHA256.hash(data: Array("app.tar".utf8)))
    static let other = Array(SHA256.hash(data: Array("lib.so".utf8)))

    static func hex(_ bytes: [UInt8]) -> String { "sha256:" + LowercaseHex.encode(bytes) }

    @Test func anEnvelopeIsLoggedAsTheHashedRekordOverItsPAE() throws {
        let signer = TestSigner(email: "alice@example.com")
        let (envelope, expected) = signer.attestation(subjects: [("app.tar", Self.file)])
        let request = try RekorV2EntryRequest(parsing: signer.dsseV002Request(subjects: [("app.tar", Self.file)]))
        guard case .dsse(let read) = request.form else { Issue.record("read as \(request.form)"); return }
        #expect(read.payload == envelope.payload && read.payloadType == envelope.payloadType)
        // Signatures are randomised, so compare everything the body holds except the signature bytes.
        #expect(request.entry.digest == expected.digest && request.entry.verifier == expected.verifier)
        #expect(request.entry.digest == Array(SHA256.hash(data: read.preAuthenticationEncoding)))
        let hashedForm = try RekorV2EntryRequest(parsing: CanonicalJSON.encode(request.entry.requestJSON))
        #expect(hashedForm.form == .hashedRekord && hashedForm.entry.canonicalBody == request.entry.canonicalBody)
        // The body is the hashedrekord 0.0.2 body, whichever form was sent.
        let body = try JSONValue(parsing: request.entry.canonicalBody)
        #expect(body["kind"] == "hashedrekord" && body["apiVersion"] == "0.0.2")
    }

    @Test func anInTotoEnvelopeIsFoundByItsSubjectsAndPayload() throws {
        let signer = TestSigner(email: "Alice@Example.com")
        let bytes = signer.dsseV002Request(subjects: [("app.tar", Self.file), ("lib.so", Self.other)])
        let request = try RekorV2EntryRequest(parsing: bytes)
        guard case .dsse(let envelope) = request.form else { Issue.record("not dsse"); return }
        let keys = request.searchKeys
        #expect(keys.artifactHashes == [Self.hex(request.entry.digest), Self.hex(Array(SHA256.hash(data: envelope.payload))),
                                        Self.hex(Self.file), Self.hex(Self.other)])
        #expect(keys.identities == ["alice@example.com"] && keys.publicKeyFingerprints == request.entry.searchKeys.publicKeyFingerprints)
        // Sent as a hashedrekord, the log never sees the statement: only the PAE digest is a key.
        let hashed = try RekorV2EntryRequest(parsing: CanonicalJSON.encode(request.entry.requestJSON))
        #expect(hashed.searchKeys.artifactHashes == [Self.hex(request.entry.digest)])
    }

    @Test func anotherPayloadTypeIsNotReadForSubjects() throws {
        let bytes = TestSigner().dsseV002Request(subjects: [("app.tar", Self.file)], payloadType: "application/json")
        let request = try RekorV2EntryRequest(parsing: bytes)
        #expect(!request.searchKeys.artifactHashes.contains(Self.hex(Self.file)))
        #expect(request.searchKeys.artifactHashes.count == 2)
    }

    @Test func urlSafeUnpaddedBase64IsReadAsProto3Allows() throws {
        let bytes = TestSigner().dsseV002Request(subjects: [("app.tar", Self.file)])
        let standard = try RekorV2EntryRequest(parsing: bytes)
        let urlSafe = try Self.edited(bytes) { request in
            guard case .string(let payload)? = request["dsseRequestV002"]?["envelope"]?["payload"] else { return }
            let variant = payload.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            request = Self.set(request, ["dsseRequestV002", "envelope", "payload"], .string(variant))
        }
        #expect(try RekorV2EntryRequest(parsing: urlSafe).entry.canonicalBody == standard.entry.canonicalBody)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let code: EntryError.Code
        let reason: String
        let edit: @Sendable (inout JSONValue) -> Void
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "two signatures", code: .malformed, reason: "needs exactly one envelope signature and one verifier (it has 2 and 1)") {
            guard case .array(let list)? = $0["dsseRequestV002"]?["envelope"]?["signatures"] else { return }
            $0 = set($0, ["dsseRequestV002", "envelope", "signatures"], .array(list + list))
        },
        Refusal(name: "no verifier", code: .malformed, reason: "(it has 1 and 0)") {
            $0 = set($0, ["dsseRequestV002", "verifiers"], .array([]))
        },
        Refusal(name: "a payload the signature does not cover", code: .invalidSignature,
                reason: "the envelope signature does not verify over its PAE with the certificate's public key") {
            $0 = set($0, ["dsseRequestV002", "envelope", "payload"], .string(StrictBase64.encode(Array("{}".utf8))))
        },
        Refusal(name: "another payload type", code: .invalidSignature, reason: "does not verify over its PAE") {
            $0 = set($0, ["dsseRequestV002", "envelope", "payloadType"], "application/json")
        },
        Refusal(name: "unknown envelope field", code: .malformed, reason: "unknown field \"dsseRequestV002.envelope.extra\"") {
            $0 = set($0, ["dsseRequestV002", "envelope", "extra"], true)
        },
        Refusal(name: "empty payload type", code: .malformed, reason: "dsseRequestV002.envelope.payloadType is empty") {
            $0 = set($0, ["dsseRequestV002", "envelope", "payloadType"], "")
        },
        Refusal(name: "payload not base64", code: .malformed, reason: "dsseRequestV002.envelope.payload is not valid base64") {
            $0 = set($0, ["dsseRequestV002", "envelope", "payload"], "not base64!")
        },
        Refusal(name: "key type not allowed", code: .algorithmNotAllowed, reason: "\"PKIX_ED25519\" is not an allowed key type") {
            guard case .array(let verifiers)? = $0["dsseRequestV002"]?["verifiers"], case .object(var verifier) = verifiers[0] else { return }
            verifier["keyDetails"] = "PKIX_ED25519"
            $0 = set($0, ["dsseRequestV002", "verifiers"], .array([.object(verifier)]))
        },
        Refusal(name: "both forms", code: .malformed, reason: "hashedRekordRequestV002 or dsseRequestV002, not both") {
            $0 = set($0, ["hashedRekordRequestV002"], ["digest": "AA=="])
        },
        Refusal(name: "neither form", code: .malformed, reason: "unknown field \"dsseRequestV003\"") {
            guard case .object(var top) = $0 else { return }
            top["dsseRequestV003"] = top.removeValue(forKey: "dsseRequestV002")
            $0 = .object(top)
        },
    ]

    @Test(arguments: refusals)
    func aMalformedEnvelopeRequestIsRefusedWithItsReason(_ refusal: Refusal) throws {
        let bytes = try Self.edited(TestSigner(email: "alice@example.com").dsseV002Request(subjects: [("app.tar", Self.file)]), refusal.edit)
        do {
            _ = try RekorV2EntryRequest(parsing: bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code == refusal.code, "\(error)")
            #expect(error.message.contains(refusal.reason), "\(error.message)")
        }
    }

    @Test func anEmptyRequestNamesBothForms() {
        do {
            _ = try RekorV2EntryRequest(parsing: Array("{}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.code == .malformed && error.message.contains("must hold hashedRekordRequestV002 or dsseRequestV002"), "\(error)")
        }
    }

    /// A P-384 key signs SHA-384 digests: the PAE is hashed with the key type's hash.
    @Test func aP384EnvelopeIsLoggedOverTheSHA384OfItsPAE() throws {
        let key = P384.Signing.PrivateKey()
        let payload = Array(#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}"#.utf8)
        let unsigned = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: payload, signatures: [])
        let signature = Array(try key.signature(for: unsigned.preAuthenticationEncoding).derRepresentation)
        let envelope = DSSEEnvelope(payloadType: unsigned.payloadType, payload: payload, signatures: [.init(signature: signature)])
        let digest = Array(SHA384.hash(data: unsigned.preAuthenticationEncoding))
        let entry = try HashedRekordV002(digest: digest, signature: signature, verifier: .publicKey(der: Array(key.publicKey.derRepresentation)),
                                         keyDetails: .ecdsaP384SHA384)
        let request = try RekorV2EntryRequest(parsing: CanonicalJSON.encode(RekorV2EntryRequest.dsseRequestJSON(envelope: envelope, loggedAs: entry)))
        #expect(request.entry == entry)
        #expect(request.searchKeys.artifactHashes.first == "sha384:" + LowercaseHex.encode(digest))
    }

    /// The stored entry is small whatever the payload, so the subjects one entry adds are bounded.
    @Test func atMostTheFirst256DistinctSubjectsAreIndexed() throws {
        let subjects = (0..<300).map { ("f\($0)", Array(SHA256.hash(data: Array("f\($0)".utf8)))) }
        let bytes = TestSigner().dsseV002Request(subjects: [subjects[0]] + subjects)
        let keys = try RekorV2EntryRequest(parsing: bytes).searchKeys.artifactHashes
        #expect(keys.count == 2 + InTotoStatement.maxIndexedSubjects)
        #expect(keys.dropFirst(2) == ArraySlice(subjects.prefix(256).map { Self.hex($0.1) }))
    }

    static func edited(_ bytes: [UInt8], _ edit: (inout JSONValue) -> Void) throws -> [UInt8] {
        var json = try JSONValue(parsing: bytes)
        edit(&json)
        return CanonicalJSON.encode(json)
    }

    static func set(_ json: JSONValue, _ path: ArraySlice<String>, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = json, let first = path.first else { return json }
        members[first] = path.count == 1 ? value : set(members[first] ?? .object([:]), path.dropFirst(), value)
        return .object(members)
    }
}
