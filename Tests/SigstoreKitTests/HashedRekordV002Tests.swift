import Crypto
import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat
import X509

/// Rekor v2 `CreateEntry` requests (`hashedRekordRequestV002`): what is accepted, the body the log
/// stores, and every refusal, each with its reason.
@Suite struct HashedRekordV002Tests {
    /// A P-256 signer with a self-signed certificate, and one signed digest.
    struct Signed {
        let key = P256.Signing.PrivateKey()
        let digest: [UInt8]
        let signature: [UInt8]
        let certificateDER: [UInt8]

        init(artifact: [UInt8] = Array("hello, rekor v2".utf8)) {
            let digest = SHA256.hash(data: artifact)
            self.digest = Array(digest)
            signature = Array(try! key.signature(for: digest).derRepresentation)
            certificateDER = TestCA.der(try! TestCertificates.selfSigned(key: key, email: "alice@example.com"))
        }

        var spkiDER: [UInt8] { Array(key.publicKey.derRepresentation) }
    }

    /// A request as sigstore-python 4.5.1 builds it, with the members given replaced or removed
    /// (`nil`) at their dotted path.
    static func request(_ s: Signed, certificate: Bool = true, _ changes: [String: JSONValue?] = [:]) -> [UInt8] {
        let verifier: JSONValue = certificate
            ? ["x509Certificate": ["rawBytes": .string(StrictBase64.encode(s.certificateDER))], "keyDetails": "PKIX_ECDSA_P256_SHA_256"]
            : ["publicKey": ["rawBytes": .string(StrictBase64.encode(s.spkiDER))], "keyDetails": "PKIX_ECDSA_P256_SHA_256"]
        var json: JSONValue = ["hashedRekordRequestV002": [
            "digest": .string(StrictBase64.encode(s.digest)),
            "signature": ["content": .string(StrictBase64.encode(s.signature)), "verifier": verifier],
        ]]
        for (path, value) in changes { json = set(json, path.split(separator: ".").map(String.init)[...], value) }
        return CanonicalJSON.encode(json)
    }

    private static func set(_ json: JSONValue, _ path: ArraySlice<String>, _ value: JSONValue?) -> JSONValue {
        guard case .object(var members) = json, let first = path.first else { return json }
        if path.count == 1 {
            members[first] = value
        } else {
            members[first] = set(members[first] ?? .object([:]), path.dropFirst(), value)
        }
        return .object(members)
    }

    @Test func aCertificateRequestBecomesTheCanonicalV002Body() throws {
        let s = Signed()
        let entry = try HashedRekordV002(request: Self.request(s))
        #expect(entry.key == (try VerificationKey(spkiDER: s.spkiDER)))
        let expected = #"{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":""#
            + StrictBase64.encode(s.digest) + #""},"signature":{"content":""# + StrictBase64.encode(s.signature)
            + #"","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","x509Certificate":{"rawBytes":""#
            + StrictBase64.encode(s.certificateDER) + #""}}}}}}"#
        #expect(String(decoding: entry.canonicalBody, as: UTF8.self) == expected)
        // The client-side constructor builds the same entry and a request that parses back to it.
        let built = try HashedRekordV002(digest: s.digest, signature: s.signature, verifier: .x509Certificate(der: s.certificateDER),
                                         keyDetails: .ecdsaP256SHA256)
        #expect(built == entry)
        #expect(try HashedRekordV002(request: CanonicalJSON.encode(built.requestJSON)) == entry)
    }

    @Test func aPublicKeyRequestIsAccepted() throws {
        let s = Signed()
        let entry = try HashedRekordV002(request: Self.request(s, certificate: false))
        #expect(entry.verifier == .publicKey(der: s.spkiDER))
        #expect(String(decoding: entry.canonicalBody, as: UTF8.self).contains(#""publicKey":{"rawBytes":""#))
    }

    /// proto3 `bytes` may be URL-safe or unpadded; the stored body is the same either way, so the
    /// log's duplicate check sees one entry.
    @Test func anyBase64SpellingGivesTheSameBody() throws {
        let s = Signed()
        func urlSafe(_ bytes: [UInt8]) -> JSONValue {
            .string(StrictBase64.encode(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: ""))
        }
        let other = Self.request(s, ["hashedRekordRequestV002.digest": urlSafe(s.digest),
                                     "hashedRekordRequestV002.signature.content": urlSafe(s.signature)])
        #expect(try HashedRekordV002(request: other).canonicalBody == HashedRekordV002(request: Self.request(s)).canonicalBody)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let code: EntryError.Code
        let reason: String
        let request: @Sendable (Signed) -> [UInt8]
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "unknown top-level field", code: .malformed, reason: "unknown field \"extra\"") {
            request($0, ["extra": 1])
        },
        Refusal(name: "unknown field in the request", code: .malformed, reason: "unknown field \"hashedRekordRequestV002.data\"") {
            request($0, ["hashedRekordRequestV002.data": "x"])
        },
        Refusal(name: "unknown field in the verifier", code: .malformed,
                reason: "unknown field \"hashedRekordRequestV002.signature.verifier.chain\"") {
            request($0, ["hashedRekordRequestV002.signature.verifier.chain": ["rawBytes": "AA=="]])
        },
        Refusal(name: "dsse request", code: .unsupportedType, reason: "dsseRequestV002 is not a hashedrekord request") {
            request($0, ["dsseRequestV002": ["envelope": [:]]])
        },
        Refusal(name: "missing digest", code: .malformed, reason: "hashedRekordRequestV002.digest is missing") {
            request($0, ["hashedRekordRequestV002.digest": nil])
        },
        Refusal(name: "digest of 31 bytes", code: .malformed, reason: "digest is 31 bytes; PKIX_ECDSA_P256_SHA_256 needs a 32-byte SHA2_256 digest") {
            request($0, ["hashedRekordRequestV002.digest": .string(StrictBase64.encode($0.digest.dropLast()))])
        },
        Refusal(name: "digest of 48 bytes", code: .malformed, reason: "digest is 48 bytes") {
            request($0, ["hashedRekordRequestV002.digest": .string(StrictBase64.encode($0.digest + [UInt8](repeating: 0, count: 16)))])
        },
        Refusal(name: "digest not base64", code: .malformed, reason: "hashedRekordRequestV002.digest is not valid base64") {
            request($0, ["hashedRekordRequestV002.digest": "not base64!"])
        },
        Refusal(name: "pure Ed25519 key type", code: .algorithmNotAllowed, reason: "\"PKIX_ED25519\" is not an allowed key type") {
            request($0, ["hashedRekordRequestV002.signature.verifier.keyDetails": "PKIX_ED25519"])
        },
        Refusal(name: "Ed25519ph key type", code: .algorithmNotAllowed, reason: "\"PKIX_ED25519_PH\" is not an allowed key type") {
            request($0, ["hashedRekordRequestV002.signature.verifier.keyDetails": "PKIX_ED25519_PH"])
        },
        Refusal(name: "key type of another key", code: .algorithmNotAllowed,
                reason: "keyDetails PKIX_ECDSA_P384_SHA_384 needs a ECDSA P-384 key, but the verifier holds a ECDSA P-256 key") {
            // A 48-byte digest, so that only the key type is wrong.
            request($0, ["hashedRekordRequestV002.signature.verifier.keyDetails": "PKIX_ECDSA_P384_SHA_384",
                         "hashedRekordRequestV002.digest": .string(StrictBase64.encode([UInt8](repeating: 7, count: 48)))])
        },
        Refusal(name: "signature over another digest", code: .invalidSignature,
                reason: "the signature does not verify over the digest with the certificate's public key") {
            request($0, ["hashedRekordRequestV002.digest": .string(StrictBase64.encode(Array(SHA256.hash(data: Array("other".utf8)))))])
        },
        Refusal(name: "signature by another key", code: .invalidSignature, reason: "the signature does not verify") {
            let other = Signed()
            return request($0, ["hashedRekordRequestV002.signature.content": .string(StrictBase64.encode(other.signature))])
        },
        Refusal(name: "unparseable certificate", code: .malformed, reason: "x509Certificate.rawBytes is not a DER X.509 certificate") {
            request($0, ["hashedRekordRequestV002.signature.verifier.x509Certificate.rawBytes": .string(StrictBase64.encode(Array($0.certificateDER.dropLast(10))))])
        },
        Refusal(name: "unparseable public key", code: .malformed, reason: "signature.verifier") {
            request($0, certificate: false, ["hashedRekordRequestV002.signature.verifier.publicKey.rawBytes": "MAAA"])
        },
        Refusal(name: "both verifiers", code: .malformed, reason: "must hold x509Certificate or publicKey, not both") {
            request($0, ["hashedRekordRequestV002.signature.verifier.publicKey": ["rawBytes": .string(StrictBase64.encode($0.spkiDER))]])
        },
        Refusal(name: "no verifier key", code: .malformed, reason: "must hold x509Certificate or publicKey") {
            request($0, ["hashedRekordRequestV002.signature.verifier.x509Certificate": nil])
        },
        Refusal(name: "not JSON", code: .malformed, reason: "the request is not JSON") { _ in Array("{\"hashedRekordRequestV002\":".utf8) },
    ]

    @Test(arguments: refusals)
    func isRefusedWithAReason(_ refusal: Refusal) throws {
        let s = Signed()
        do {
            _ = try HashedRekordV002(request: refusal.request(s))
            Issue.record("\(refusal.name) was accepted")
        } catch {
            #expect(error.code == refusal.code, "\(error)")
            #expect(error.message.contains(refusal.reason), "\(error.message)")
        }
    }
}
