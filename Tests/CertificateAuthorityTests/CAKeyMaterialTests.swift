import Crypto
import Foundation
@testable import CertificateAuthority
import TestSupport
import Testing
import X509

@Suite struct CAKeyMaterialTests {
    @Test func generatedCAHasTheCAProfile() throws {
        let generated = CAFixtures.caKeys
        let root = generated.material.root, intermediate = generated.material.intermediate
        #expect(root.subject == root.issuer)
        #expect(P384.Signing.PublicKey(root.publicKey) != nil)
        for cert in [root, intermediate] {
            let bc = try #require(cert.extensions[oid: .X509ExtensionID.basicConstraints])
            #expect(bc.critical)
            let ku = try #require(cert.extensions[oid: .X509ExtensionID.keyUsage])
            #expect(ku.critical)
            #expect(try cert.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
            #expect(try cert.extensions.subjectKeyIdentifier != nil)
            #expect(cert.serialNumber.bytes.count == 20)
        }
        #expect(try root.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 1))
        #expect(try intermediate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let eku = try #require(intermediate.extensions[oid: .X509ExtensionID.extendedKeyUsage])
        #expect(!eku.critical)
        #expect(try intermediate.extensions.authorityKeyIdentifier?.keyIdentifier == (try root.extensions.subjectKeyIdentifier)?.keyIdentifier)
        let dir = TemporaryDirectory()
        try generated.rootPEM.write(toFile: dir.path("root.pem"), atomically: true, encoding: .utf8)
        try generated.intermediatePEM.write(toFile: dir.path("intermediate.pem"), atomically: true, encoding: .utf8)
        let result = try ExternalTools.run(["openssl", "verify", "-x509_strict", "-CAfile", dir.path("root.pem"), dir.path("intermediate.pem")])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func materialRoundTripsThroughPEM() throws {
        let generated = CAFixtures.caKeys
        let loaded = try CAKeyMaterial(rootPEM: generated.rootPEM, intermediatePEM: generated.intermediatePEM,
                                       intermediateKeyPEM: generated.intermediateKeyPEM)
        #expect(loaded.intermediate == generated.material.intermediate)
        #expect(try P384.Signing.PrivateKey(pemRepresentation: generated.rootKeyPEM).publicKey.rawRepresentation
            == P384.Signing.PublicKey(generated.material.root.publicKey)!.rawRepresentation)
    }

    @Test func mismatchedKeyIsRefused() throws {
        let generated = CAFixtures.caKeys
        #expect(throws: CAKeyError.self) {
            try CAKeyMaterial(rootPEM: generated.rootPEM, intermediatePEM: generated.intermediatePEM,
                              intermediateKeyPEM: P256.Signing.PrivateKey().pemRepresentation)
        }
    }

    @Test func p384IntermediateCanBeChosen() throws {
        var profile = CertificateProfile()
        profile.intermediateCurve = .p384
        let generated = try CAKeyMaterial.generate(profile: profile)
        #expect(P384.Signing.PublicKey(generated.material.intermediate.publicKey) != nil)
        #expect(generated.material.signatureAlgorithm == .ecdsaWithSHA384)
    }
}
