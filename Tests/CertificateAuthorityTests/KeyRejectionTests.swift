import Crypto
import _CryptoExtras
import Foundation
import Hummingbird
@testable import CertificateAuthority
import SigstoreKit
import Testing
import X509
import WireFormat

/// Every key, proof-of-possession and CSR problem answers 400 naming it; nothing is issued.
@Suite struct KeyRejectionTests {
    func expectRefusal(_ ca: CAHarness, body: [UInt8], bearer: String? = nil, status expected: HTTPResponse.Status = .badRequest,
                       mentioning phrase: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (status, json) = try await ca.post(body, bearer: bearer)
        #expect(status == expected, sourceLocation: sourceLocation)
        #expect(json["code"]?.integerValue == Int64(expected.code), sourceLocation: sourceLocation)
        let message = json["message"]?.stringValue ?? ""
        #expect(message.contains(phrase), "message: \(message)", sourceLocation: sourceLocation)
        #expect(ca.ctLog.submissions == 0, "nothing was issued", sourceLocation: sourceLocation)
    }

    @Test func missingProofOfPossession() async throws {
        let ca = CAHarness()
        let body = Requests.publicKey(pem: P256.Signing.PrivateKey().publicKey.pemRepresentation, proof: nil,
                                      token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "missing proof of possession")
    }

    @Test func proofOverTheWrongChallenge() async throws {
        let ca = CAHarness()
        let body = try Requests.publicKey(.init(), challenge: "alice-sub", token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "could not be verified")
    }

    @Test func proofByAnotherKey() async throws {
        let ca = CAHarness()
        let signer = P256.Signing.PrivateKey()
        let pop = try signer.signature(for: Array("alice@example.com".utf8)).derRepresentation
        let body = Requests.publicKey(pem: P256.Signing.PrivateKey().publicKey.pemRepresentation,
                                      proof: StrictBase64.encode(Array(pop)), token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "could not be verified")
    }

    @Test func malformedCSR() async throws {
        let ca = CAHarness()
        let pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n"
        try await expectRefusal(ca, body: Requests.csr(pem: pem), bearer: try await ca.emailToken(), mentioning: "certificate signing request")
    }

    @Test func csrWithBrokenSelfSignature() async throws {
        let ca = CAHarness()
        let key = P256.Signing.PrivateKey()
        let good = try CertificateSigningRequest(version: .v1, subject: DistinguishedName(), privateKey: .init(key),
                                                 attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        // Same request info and key, signature from another key.
        let forged = try CertificateSigningRequest(version: .v1, subject: DistinguishedName(), privateKey: .init(P256.Signing.PrivateKey()),
                                                   attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256)
        let mixed = try CertificateSigningRequest(version: .v1, subject: DistinguishedName(), publicKey: good.publicKey,
                                              attributes: .init(), signatureAlgorithm: .ecdsaWithSHA256, signature: forged.signature)
        let body = Requests.csr(pem: try mixed.serializeAsPEM().pemString)
        try await expectRefusal(ca, body: body, bearer: try await ca.emailToken(), mentioning: "self-signature does not verify")
    }

    @Test func rsa1024KeyIsInsecure() async throws {
        let ca = CAHarness()
        let body = Requests.publicKey(pem: KeyFixtures.rsa1024PublicKeyPEM, proof: "AAAA", token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "insecure")
    }

    @Test func csrWithAnRSA1024KeyIsInsecure() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, body: Requests.csr(pem: KeyFixtures.rsa1024CSR), bearer: try await ca.emailToken(),
                                mentioning: "insecure")
    }

    @Test func secp256k1KeyIsAnUnsupportedCurve() async throws {
        let ca = CAHarness()
        let body = Requests.publicKey(pem: KeyFixtures.secp256k1PublicKeyPEM, proof: "AAAA", token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "unsupported elliptic curve")
    }

    @Test func unparseablePublicKey() async throws {
        let ca = CAHarness()
        let body = Requests.publicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", proof: "AAAA",
                                      token: try await ca.emailToken())
        try await expectRefusal(ca, body: body, mentioning: "could not be parsed")
    }

    /// Fulcio ignores `publicKey.algorithm`'s value but its proto3 JSON decoder refuses anything
    /// other than a string or a whole 32-bit number; so does the CA.
    @Test func publicKeyAlgorithmOutsideTheEnumIsRefused() async throws {
        let ca = CAHarness()
        let key = P256.Signing.PrivateKey()
        let pop = StrictBase64.encode(Array(try key.signature(for: Array("alice@example.com".utf8)).derRepresentation))
        func body(algorithm: JSONValue?) async throws -> [UInt8] {
            var publicKey: [String: JSONValue] = ["content": .string(key.publicKey.pemRepresentation)]
            publicKey["algorithm"] = algorithm
            return CanonicalJSON.encode(["publicKeyRequest": ["publicKey": .object(publicKey), "proofOfPossession": .string(pop)],
                                         "credentials": ["oidcIdentityToken": .string(try await ca.emailToken())]])
        }
        let refused: [JSONValue] = [["x"], ["a": 1], true, .integer(1 << 40), .number(1.5)]
        for algorithm in refused {
            try await expectRefusal(ca, body: try await body(algorithm: algorithm), mentioning: "publicKeyRequest.publicKey.algorithm must be an enum name")
        }
        // Unknown names are dropped by Fulcio's decoder (DiscardUnknown), so they are accepted too.
        let accepted: [JSONValue?] = [nil, .null, "ECDSA", "RSA_PSS", "ED25519", "PUBLIC_KEY_ALGORITHM_UNSPECIFIED", "", "ecdsa", 2, 99, .number(2.0)]
        for algorithm in accepted {
            let (status, json) = try await ca.post(try await body(algorithm: algorithm))
            #expect(status == .ok, "\(String(describing: algorithm)): \(json)")
        }
    }

    @Test func requestThatIsNotJSON() async throws {
        let ca = CAHarness()
        try await expectRefusal(ca, body: Array("{nope".utf8), mentioning: "not a JSON object")
    }

    @Test func oversizedRequestIs413() async throws {
        let ca = CAHarness()
        let padding = String(repeating: "A", count: 70 * 1024)
        let body = CanonicalJSON.encode(["certificateSigningRequest": .string(padding)])
        try await expectRefusal(ca, body: body, bearer: try await ca.emailToken(), status: .contentTooLarge, mentioning: "larger than")
    }
}

/// Keys Swift can't generate, made once with `openssl genpkey` (public halves only).
enum KeyFixtures {
    static let rsa1024PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC0Kz61WIlCRxERtyzvdU7nPnGC
        iaB9ynB7gdBIFPdmkKeU5+j2zz2fWjhDI+lnKvAg+HLrEVjtFKf+MR8+Pt9ZPzjJ
        f4yoy4rppQf25wOpDF25PaIBzo5v3kEFGzpt2DX//1jwik0uetOez/ztPpk9nysL
        p5YdtNQlv0GN7EX9EwIDAQAB
        -----END PUBLIC KEY-----
        """
    static let rsa1024CSR = """
        -----BEGIN CERTIFICATE REQUEST-----
        MIIBPzCBqQIBADAAMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCvZPhWdvRr
        A/FoX8XclYWeLmDj1GSNaKk6TiC0ZsGjVb3uhrehxz1RHhpkjzTjkSVPkWa4akcx
        SkvO8GiUMDoxONNj3rfDvqhbBmuypq9zv3Xp1BKwUlW875Z4B3qmiW30g+w4TyLn
        Y1pIfavnjWIFSzkVvw0n67davpHfuoBXEwIDAQABoAAwDQYJKoZIhvcNAQELBQAD
        gYEASiC1w8NivDzZN2bFPNkpG/+DKwMYqvVNe3avRewvlYXo/jKwA28t0NuuWhgO
        Mw7NqNtD+J1GfKdaQSM9V9cfKDCd8Ss62AoKrsod+VG1MikP/wcqc7aL1uWkfd9n
        jz06s27p/57EE8pcHBMsmZJsqioHJGUsmJ8ARp4Uor8MUyM=
        -----END CERTIFICATE REQUEST-----
        """
    static let secp256k1PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEIfNXhtq8Ch8OS4OjdH2GrcMKeDe5BKWU
        QMWXYdfUIeUfHfvgzGuoVV9Cv+Z7IAr+91PqP7PeC/8OC9i65jUlVw==
        -----END PUBLIC KEY-----
        """
}
