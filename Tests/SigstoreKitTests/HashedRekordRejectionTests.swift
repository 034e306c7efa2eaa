import Crypto
import Foundation
import SigstoreKit
import Testing
import WireFormat

/// One proposal that must be rejected, and the exact error.
struct RejectedProposal: Sendable, CustomTestStringConvertible {
    let name: String
    let proposal: [UInt8]
    let error: EntryError

    init(_ name: String, _ proposal: JSONValue, _ code: EntryError.Code, _ message: String) {
        self.init(name, proposal.bytes, code, message)
    }

    init(_ name: String, _ proposal: [UInt8], _ code: EntryError.Code, _ message: String) {
        self.name = name
        self.proposal = proposal
        self.error = EntryError(code, message)
    }

    var testDescription: String { name }
}

@Suite("hashedrekord 0.0.1 rejections")
struct HashedRekordRejectionTests {
    typealias F = RekorFixtures
    static let good = F.hashedRekordProposal()

    /// Base64 of DER instead of PEM: the certificate's DER bytes.
    static let derCertificate: String = {
        let pem = String(decoding: StrictBase64.decode(F.certificate)!, as: UTF8.self)
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return body  // the PEM body is exactly base64 of the DER
    }()

    static let ed25519Key = SigningKey.generateEd25519()

    static let cases: [RejectedProposal] = [
        RejectedProposal("not JSON", Array("{\"kind\":".utf8), .malformed, "the entry is not valid JSON: invalid JSON at byte 8: unexpected end of input"),
        RejectedProposal("not an object", ["hashedrekord"], .malformed, "the entry must be a JSON object"),
        RejectedProposal("kind missing", good.replacing(["kind"], with: nil), .malformed, "kind is missing"),
        RejectedProposal("kind not a string", good.replacing(["kind"], with: 1), .malformed, "kind must be a string"),
        RejectedProposal("unknown kind", good.replacing(["kind"], with: "foo"), .unsupportedType, #"unsupported kind "foo""#),
        RejectedProposal("apiVersion missing", good.replacing(["apiVersion"], with: nil), .malformed, "apiVersion is missing"),
        RejectedProposal("unknown apiVersion", good.replacing(["apiVersion"], with: "0.0.2"), .unsupportedType, #"unsupported apiVersion "0.0.2" for hashedrekord"#),
        RejectedProposal("extra top-level field", good.replacing(["extra"], with: true), .malformed, #"unknown field "extra""#),
        RejectedProposal("extra field in spec", good.replacing(["spec", "extra"], with: 1), .malformed, #"unknown field "spec.extra""#),
        RejectedProposal("extra field in signature", good.replacing(["spec", "signature", "format"], with: "x509"), .malformed, #"unknown field "spec.signature.format""#),
        RejectedProposal("extra field in publicKey", good.replacing(["spec", "signature", "publicKey", "format"], with: "x509"), .malformed, #"unknown field "spec.signature.publicKey.format""#),
        RejectedProposal("extra field in hash", good.replacing(["spec", "data", "hash", "x"], with: 1), .malformed, #"unknown field "spec.data.hash.x""#),
        RejectedProposal("extra field in data", good.replacing(["spec", "data", "url"], with: "https://x"), .malformed, #"unknown field "spec.data.url""#),
        RejectedProposal("spec missing", good.replacing(["spec"], with: nil), .malformed, "spec is missing"),
        RejectedProposal("spec not an object", good.replacing(["spec"], with: []), .malformed, "spec must be an object"),
        RejectedProposal("data missing", good.replacing(["spec", "data"], with: nil), .malformed, "spec.data is missing"),
        RejectedProposal("hash missing", good.replacing(["spec", "data", "hash"], with: nil), .malformed, "spec.data.hash is missing"),
        RejectedProposal("hash not an object", good.replacing(["spec", "data", "hash"], with: "sha256:00"), .malformed, "spec.data.hash must be an object"),
        RejectedProposal("hash value missing", good.replacing(["spec", "data", "hash", "value"], with: nil), .malformed, "spec.data.hash.value is missing"),
        RejectedProposal("hash algorithm missing", good.replacing(["spec", "data", "hash", "algorithm"], with: nil), .malformed, "spec.data.hash.algorithm is missing"),
        RejectedProposal("signature missing", good.replacing(["spec", "signature"], with: nil), .malformed, "spec.signature is missing"),
        RejectedProposal("signature content missing", good.replacing(["spec", "signature", "content"], with: nil), .malformed, "spec.signature.content is missing"),
        RejectedProposal("publicKey missing", good.replacing(["spec", "signature", "publicKey"], with: nil), .malformed, "spec.signature.publicKey is missing"),
        RejectedProposal("publicKey content missing", good.replacing(["spec", "signature", "publicKey", "content"], with: nil), .malformed, "spec.signature.publicKey.content is missing"),
        RejectedProposal("signature content empty", F.hashedRekordProposal(signature: ""), .malformed, "spec.signature.content is empty"),
        RejectedProposal("signature content a number", good.replacing(["spec", "signature", "content"], with: 7), .malformed, "spec.signature.content must be a string"),
        RejectedProposal("signature not base64", F.hashedRekordProposal(signature: "MEUC!!=="), .malformed, "spec.signature.content is not valid base64"),
        RejectedProposal("signature base64 with a line break", F.hashedRekordProposal(signature: String(F.signature.prefix(40)) + "\n" + F.signature.dropFirst(40)), .malformed, "spec.signature.content is not valid base64"),
        RejectedProposal("signature base64 without padding", F.hashedRekordProposal(signature: "MEUCIQ"), .malformed, "spec.signature.content is not valid base64"),
        RejectedProposal("signature in the URL-safe alphabet", F.hashedRekordProposal(signature: F.signature.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")), .malformed, "spec.signature.content is not valid base64"),
        RejectedProposal("publicKey not base64", F.hashedRekordProposal(publicKey: "LS0tLS1C RUdJTg=="), .malformed, "spec.signature.publicKey.content is not valid base64"),
        RejectedProposal("publicKey is DER, not PEM", F.hashedRekordProposal(publicKey: derCertificate), .malformed, "spec.signature.publicKey.content must be base64 of PEM text, not of DER"),
        RejectedProposal("publicKey has no PEM block", F.hashedRekordProposal(publicKey: F.base64("hello")), .malformed, "spec.signature.publicKey.content is not valid PEM: text before the PEM block (PEM must start with -----BEGIN)"),
        RejectedProposal("publicKey is a private key", F.hashedRekordProposal(publicKey: F.base64(P256.Signing.PrivateKey().pemRepresentation)), .malformed, "spec.signature.publicKey.content must hold one PUBLIC KEY or a chain of CERTIFICATE PEM blocks, found \"PRIVATE KEY\""),
        RejectedProposal("unknown hash algorithm", F.hashedRekordProposal(algorithm: "md5"), .malformed, #"spec.data.hash.algorithm must be one of sha256, sha384, sha512, not "md5""#),
        RejectedProposal("digest too long for sha256", F.hashedRekordProposal(digest: F.artifactSHA256 + String(repeating: "0", count: 32)), .malformed, "spec.data.hash.value must be 64 lowercase hex digits for sha256"),
        RejectedProposal("digest too short for sha384", F.hashedRekordProposal(algorithm: "sha384"), .malformed, "spec.data.hash.value must be 96 lowercase hex digits for sha384"),
        RejectedProposal("digest in uppercase hex", F.hashedRekordProposal(digest: F.artifactSHA256.uppercased()), .malformed, "spec.data.hash.value must be 64 lowercase hex digits for sha256"),
        RejectedProposal("digest not hex", F.hashedRekordProposal(digest: String(repeating: "g", count: 64)), .malformed, "spec.data.hash.value must be 64 lowercase hex digits for sha256"),
        RejectedProposal("signature over another digest", F.hashedRekordProposal(digest: String(repeating: "ab", count: 32)), .invalidSignature, "signature does not verify against the certificate's public key"),
        RejectedProposal("signature over another digest, bare key", F.hashedRekordProposal(digest: String(repeating: "ab", count: 32), publicKey: F.publicKey), .invalidSignature, "signature does not verify against the public key"),
        RejectedProposal("signature not DER", F.hashedRekordProposal(signature: F.base64("not a signature")), .invalidSignature, "signature does not verify against the certificate's public key"),
        RejectedProposal("P-256 key with a sha512 digest", F.hashedRekordProposal(algorithm: "sha512", digest: String(repeating: "ab", count: 64)), .algorithmNotAllowed, "entry algorithms are not allowed: ECDSA P-256 signs with sha256, not sha512"),
        RejectedProposal("Ed25519 key", F.hashedRekordProposal(signature: StrictBase64.encode(try! ed25519Key.sign(LowercaseHex.decode(F.artifactSHA256)!)), publicKey: F.base64(ed25519Key.verificationKey.pem)), .algorithmNotAllowed, "Ed25519 keys are not supported for hashedrekord: signing a digest needs Ed25519ph"),
        RejectedProposal("duplicate member", Array(#"{"kind":"hashedrekord","kind":"hashedrekord"}"#.utf8), .malformed, #"the entry is not valid JSON: invalid JSON at byte 23: duplicate member name "kind""#),
    ]

    @Test(arguments: cases)
    func rejects(_ rejected: RejectedProposal) {
        #expect(throws: rejected.error) { try RekorEntry.canonicalize(proposedEntry: rejected.proposal) }
    }

    @Test("the unmodified proposal used by the table is accepted")
    func baselineAccepted() throws {
        _ = try RekorEntry.canonicalize(proposedEntry: Self.good.bytes)
    }
}
