import Crypto
import _CryptoExtras
import Foundation
import Testing
@testable import SigstoreKit

/// `VerificationKey(spkiDER:)` reads a key with the one parser its SPKI's algorithm identifier
/// names, and tries them all only on bytes that name none.
@Suite struct VerificationKeyTests {
    static let message = Array("hello, keys".utf8)

    @Test func everyFamilyIsReadAndVerifies() throws {
        let p256 = P256.Signing.PrivateKey(), p384 = P384.Signing.PrivateKey(), p521 = P521.Signing.PrivateKey()
        let ed25519 = Curve25519.Signing.PrivateKey()
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let cases: [(spki: [UInt8], family: VerificationKey.Family, kind: VerificationKey.Kind, signature: [UInt8])] = [
            (Array(p256.publicKey.derRepresentation), .p256, .ecdsaP256, Array(try p256.signature(for: Self.message).derRepresentation)),
            (Array(p384.publicKey.derRepresentation), .p384, .ecdsaP384, Array(try p384.signature(for: Self.message).derRepresentation)),
            (Array(p521.publicKey.derRepresentation), .p521, .ecdsaP521, Array(try p521.signature(for: Self.message).derRepresentation)),
            (Array(ed25519.publicKey.derRepresentation), .ed25519, .ed25519, Array(try ed25519.signature(for: Self.message))),
            (Array(rsa.publicKey.derRepresentation), .rsa, .rsa(bits: 2048),
             Array(try rsa.signature(for: Self.message, padding: .insecurePKCS1v1_5).rawRepresentation)),
        ]
        for item in cases {
            #expect(VerificationKey.Family.naming(item.spki) == .family(item.family))
            let key = try VerificationKey(spkiDER: item.spki)
            #expect(key.kind == item.kind)
            #expect(key.spkiDER == item.spki)
            #expect(key.isValidSignature(item.signature, for: Self.message))
            #expect(!key.isValidSignature(item.signature, for: Self.message + [0]))
        }
    }

    @Test func aBarePKCS1RSAKeyIsStillReadByTryingEveryParser() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let pkcs1 = Array(rsa.publicKey.pkcs1DERRepresentation)
        #expect(VerificationKey.Family.naming(pkcs1) == .none)
        #expect(try VerificationKey(spkiDER: pkcs1).kind == .rsa(bits: 2048))
    }

    @Test func smallRSAKeysAndOtherBytesAreRefused() throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        #expect(throws: KeyError.unsupported("RSA keys must be 2048, 3072 or 4096 bits, not 1024")) {
            try VerificationKey(spkiDER: Array(small.publicKey.derRepresentation))
        }
        let refusal = KeyError.unparseable("not a DER SubjectPublicKeyInfo of an ECDSA P-256/P-384/P-521, Ed25519 or RSA key")
        #expect(throws: refusal) { try VerificationKey(spkiDER: [0x30, 0x03, 0x02, 0x01, 0x01]) }
        #expect(throws: refusal) { try VerificationKey(spkiDER: [UInt8]()) }
        // A P-256 point under a P-384 curve identifier: swift-crypto's P-256 parser would take it
        // (it goes by the point's size), but the identifier names P-384, whose parser refuses it.
        var mislabelled = Array(P256.Signing.PrivateKey().publicKey.derRepresentation)
        let curve: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let start = try #require(mislabelled.firstRange(of: curve)).lowerBound
        mislabelled.replaceSubrange(start..<start + curve.count, with: [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22])
        mislabelled[1] -= 3
        mislabelled[3] -= 3
        #expect(VerificationKey.Family.naming(mislabelled) == .family(.p384))
        #expect(throws: refusal) { try VerificationKey(spkiDER: mislabelled) }
        // The same point under secp256k1 (1.3.132.0.10), a curve this verifier does not read.
        var secp256k1 = mislabelled
        secp256k1[start + 6] = 0x0A
        #expect(VerificationKey.Family.naming(secp256k1) == .unsupported)
        #expect(throws: refusal) { try VerificationKey(spkiDER: secp256k1) }
    }

    @Test func anRSASSAPSSKeyIsReadAsRSA() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        var spki = Array(rsa.publicKey.derRepresentation)
        let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
        let at = try #require(spki.firstRange(of: rsaEncryption)).upperBound - 1
        spki[at] = 0x0A   // id-RSASSA-PSS, 1.2.840.113549.1.1.10
        #expect(VerificationKey.Family.naming(spki) == .family(.rsa))
        #expect(try VerificationKey(spkiDER: spki).kind == .rsa(bits: 2048))
    }
}
