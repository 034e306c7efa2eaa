import Crypto
import _CryptoExtras
import Foundation
@testable import CertificateAuthority
import SigstoreKit
import SwiftASN1
import TestSupport
import Testing
import X509
import WireFormat

@Suite struct IssuanceTests {
    @Test func issuedChainPassesOpenSSLVerify() async throws {
        let ca = CAHarness()
        let token = try await ca.emailToken()
        let key = P256.Signing.PrivateKey()
        let (status, json) = try await ca.post(try Requests.publicKey(key, challenge: "alice@example.com", token: token))
        #expect(status == .ok)
        let chain = try json.issuedChain()
        #expect(chain.count == 3)
        let dir = TemporaryDirectory()
        try ExternalTools.write(chain, to: dir)
        let result = try ExternalTools.run(["openssl", "verify", "-x509_strict", "-CAfile", dir.path("root.pem"),
                                            "-untrusted", dir.path("intermediate.pem"), dir.path("leaf.pem")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("leaf.pem: OK"))

        // openssl reads the leaf's Subject Key Identifier as SHA-1 of the key (RFC 5280 §4.2.1.2 (1)).
        let ski = try ExternalTools.run(["openssl", "x509", "-in", dir.path("leaf.pem"), "-noout", "-ext", "subjectKeyIdentifier"])
        let expected = Insecure.SHA1.hash(data: key.publicKey.x963Representation).map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(ski.status == 0 && ski.output.contains(expected), "\(ski.output)")
    }

    @Test func pythonCryptographyParsesTheLeaf() async throws {
        let ca = CAHarness()
        let (_, json) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: try await ca.emailToken()))
        let dir = TemporaryDirectory()
        try ExternalTools.write(try json.issuedChain(), to: dir)
        let script = """
            import sys
            from cryptography import x509
            leaf = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
            inter = x509.load_pem_x509_certificate(open(sys.argv[2], 'rb').read())
            leaf.verify_directly_issued_by(inter)
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
            scts = leaf.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps)
            iss = leaf.extensions.get_extension_for_oid(x509.ObjectIdentifier('1.3.6.1.4.1.57264.1.1'))
            print(san.critical, san.value.get_values_for_type(x509.RFC822Name)[0], eku.critical,
                  len(scts.value), iss.value.value.decode(), leaf.subject.rfc4514_string() == '',
                  (leaf.not_valid_after_utc - leaf.not_valid_before_utc).total_seconds())
            """
        let result = try ExternalTools.run(["python3", "-c", script, dir.path("leaf.pem"), dir.path("intermediate.pem")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            == "True alice@example.com False 1 http://127.0.0.1:5556 True 600.0")
    }

    /// sigstore-python's own SCT check (interop §4.5), done with Python `cryptography`.
    @Test func pythonCryptographyVerifiesTheEmbeddedSCT() async throws {
        let ca = CAHarness()
        let (_, json) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: try await ca.emailToken()))
        let dir = TemporaryDirectory()
        try ExternalTools.write(try json.issuedChain(), to: dir)
        try CAFixtures.ctKey.verificationKey.pem.write(toFile: dir.path("ct.pem"), atomically: true, encoding: .utf8)
        let script = """
            import sys, struct, hashlib, datetime
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import ec
            leaf = x509.load_pem_x509_certificate(open(sys.argv[1], 'rb').read())
            inter = x509.load_pem_x509_certificate(open(sys.argv[2], 'rb').read())
            ct = serialization.load_pem_public_key(open(sys.argv[3], 'rb').read())
            sct = leaf.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps).value[0]
            spki = inter.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            assert sct.log_id == hashlib.sha256(ct.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).digest()
            ms = round(sct.timestamp.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
            tbs = leaf.tbs_precertificate_bytes
            data = struct.pack('>BBQH', 0, 0, ms, 1) + hashlib.sha256(spki).digest() + len(tbs).to_bytes(3, 'big') + tbs
            data += struct.pack('>H', len(sct.extension_bytes)) + sct.extension_bytes
            ct.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
            print('sct ok')
            """
        let result = try ExternalTools.run(["python3", "-c", script, dir.path("leaf.pem"), dir.path("intermediate.pem"), dir.path("ct.pem")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("sct ok"))
    }

    @Test func embeddedSCTVerifiesWithTheCTLogKey() async throws {
        let ca = CAHarness()
        let (_, json) = try await ca.post(try Requests.publicKey(.init(), challenge: "alice@example.com", token: try await ca.emailToken()))
        let chain = try json.issuedChain()
        let ext = try #require(chain[0].extensions[oid: SignedCertificateTimestampList.extensionOID])
        #expect(!ext.critical)
        #expect(chain[0].extensions[oid: SignedCertificateTimestampList.poisonOID] == nil)
        let list = try SignedCertificateTimestampList(extensionValue: ext.value)
        #expect(list.timestamps.count == 1)
        let sct = list.timestamps[0]
        #expect(sct.logID == CAFixtures.ctKey.verificationKey.keyID)
        let tbs = try PrecertificateTBS.fromFinalCertificate(chain[0])
        let signed = try PrecertificateSignedData.build(for: sct, issuerSPKI: try CAKeyMaterial.spki(chain[1].publicKey), tbsCertificate: tbs)
        try sct.verify(signedData: signed, logKey: CAFixtures.ctKey.verificationKey)
        // A different log key must not verify it.
        #expect(throws: CTError.self) { try sct.verify(signedData: signed, logKey: SigningKey.generateP256().verificationKey) }
        #expect(ca.ctLog.submissions == 1)
    }

    @Test func leafHasTheFulcioProfile() async throws {
        let fixed = Date(timeIntervalSince1970: 1_900_000_000.7)
        let ca = CAHarness(now: { fixed })
        let token = try await ca.oidc.mintToken(subject: "alice-sub", email: "alice@example.com",
                                                claims: ["iat": 1_900_000_000, "nbf": 1_900_000_000, "exp": 1_900_000_600])
        let key = P256.Signing.PrivateKey()
        let (_, json) = try await ca.post(try Requests.publicKey(key, challenge: "alice@example.com", token: token))
        let leaf = try json.issuedChain()[0]
        #expect(leaf.subject == DistinguishedName())
        #expect(leaf.notValidBefore == Date(timeIntervalSince1970: 1_900_000_000), "floored, never in the future")
        #expect(leaf.notValidAfter == Date(timeIntervalSince1970: 1_900_000_600))
        #expect(leaf.serialNumber.bytes.count == 20)
        #expect(leaf.serialNumber.bytes.first! & 0x80 == 0)
        let ku = try #require(leaf.extensions[oid: .X509ExtensionID.keyUsage])
        #expect(ku.critical)
        #expect(try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true))
        let eku = try #require(leaf.extensions[oid: .X509ExtensionID.extendedKeyUsage])
        #expect(!eku.critical)
        #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.codeSigning]))
        // Subject Key Identifier, as Fulcio's leaves have: non-critical, SHA-1 of the subjectPublicKey
        // BIT STRING, which for P-256 is the uncompressed point.
        let skiExtension = try #require(leaf.extensions[oid: .X509ExtensionID.subjectKeyIdentifier])
        #expect(!skiExtension.critical)
        let ski = try #require(try leaf.extensions.subjectKeyIdentifier)
        #expect(Array(ski.keyIdentifier) == Array(Insecure.SHA1.hash(data: key.publicKey.x963Representation)))
        let aki = try #require(try leaf.extensions.authorityKeyIdentifier)
        #expect(aki.keyIdentifier == (try CAFixtures.caKeys.material.intermediate.extensions.subjectKeyIdentifier)?.keyIdentifier)
        let san = try #require(leaf.extensions[oid: .X509ExtensionID.subjectAlternativeName])
        #expect(san.critical)
        #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints] == nil)
    }

    @Test func csrRequestWithBearerTokenIsIssued() async throws {
        let ca = CAHarness()
        let key = P256.Signing.PrivateKey()
        let (status, json) = try await ca.post(try Requests.csr(key), bearer: try await ca.emailToken())
        #expect(status == .ok)
        let leaf = try json.issuedChain()[0]
        #expect(leaf.publicKey == Certificate.PublicKey(key.publicKey))
    }

    @Test(arguments: ["P-384", "Ed25519", "RSA-3072"])
    func otherAcceptedKeyTypesWork(kind: String) async throws {
        let ca = CAHarness()
        let challenge = Array("alice@example.com".utf8)
        let (pem, proof): (String, [UInt8]) = switch kind {
        case "P-384":
            { let k = P384.Signing.PrivateKey(); return (k.publicKey.pemRepresentation, Array(try! k.signature(for: challenge).derRepresentation)) }()
        case "Ed25519":
            { let k = Curve25519.Signing.PrivateKey(); return (k.publicKey.pemRepresentation, Array(try! k.signature(for: challenge))) }()
        default:
            { let k = try! _RSA.Signing.PrivateKey(keySize: .bits3072)
              return (k.publicKey.pemRepresentation, Array(try! k.signature(for: SHA256.hash(data: challenge), padding: .insecurePKCS1v1_5).rawRepresentation)) }()
        }
        let body = Requests.publicKey(pem: pem, proof: StrictBase64.encode(proof), token: try await ca.emailToken())
        let (status, json) = try await ca.post(body)
        #expect(status == .ok, "\(json)")
    }

    @Test func trustBundleAndConfigurationDescribeTheCA() async throws {
        let ca = CAHarness()
        try await ca.app.test(.router) { client in
            try await client.execute(uri: "/api/v2/trustBundle", method: .get) { response in
                let doc = try JSONValue(parsing: Array(buffer: response.body))
                let pems = try #require(doc["chains"]?[0]?["certificates"]?.arrayValue)
                #expect(pems.count == 2)
                #expect(try Certificate(pemEncoded: pems[1].stringValue!) == CAFixtures.caKeys.material.root)
            }
            try await client.execute(uri: "/api/v2/configuration", method: .get) { response in
                let doc = try JSONValue(parsing: Array(buffer: response.body))
                let issuers = try #require(doc["issuers"]?.arrayValue)
                #expect(issuers.contains(["issuerUrl": "http://127.0.0.1:5556", "audience": "sigstore",
                                          "challengeClaim": "email", "issuerType": "email"]))
                #expect(issuers.contains(["issuerUrl": "http://127.0.0.1:5556/actions", "audience": "sigstore",
                                          "challengeClaim": "sub", "issuerType": "github-workflow"]))
            }
        }
    }
}
