import Crypto
import Foundation
import SigstoreKit
import SwiftASN1
import Testing
import TimestampAuthority
import X509

/// Tokens the signer issues verify with SigstoreKit's `TimestampVerifier` (the check `sigil
/// verify-blob` runs) against the TSA chain, and carry what the request asked for.
@Suite struct TimestampSignerTests {
    let signature = Array("a bundle signature".utf8)

    @Test(arguments: HashAlgorithm.allCases, [false, true])
    func tokensVerifyAgainstTheChain(_ algorithm: HashAlgorithm, embedCertificate: Bool) async throws {
        let now = Date()
        let request = try TSAFixtures.request(signature, algorithm, nonce: [1, 2, 3, 4, 5, 6, 7, 8], certificate: embedCertificate)
        let response = try TSAFixtures.signer.respond(to: request, at: now)
        let time = try await TimestampVerifier.verify(response: response, signature: signature, authorities: [TSAFixtures.authority])
        #expect(time == Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)), "genTime is whole seconds")
        let token = try TimeStampToken(response: response)
        #expect(token.info.nonce == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(token.info.hashAlgorithm == algorithm)
        #expect(token.info.policy == TimestampPolicy.sigstoreDefault)
        #expect(token.certificates == (embedCertificate ? [TSAFixtures.material.chain[0]] : []))
    }

    @Test func aTokenIsNotEvidenceForAnotherSignatureOrAnotherTSA() async throws {
        let response = try TSAFixtures.signer.respond(to: try TSAFixtures.request(signature), at: Date())
        await #expect(throws: TimestampError.self) {
            try await TimestampVerifier.verify(response: response, signature: signature + [0], authorities: [TSAFixtures.authority])
        }
        let other = try TSAKeyMaterial.generate()
        let otherAuthority = TrustedCertificateAuthority(subject: nil, uri: nil, certificates: other.chain, validFor: nil)
        await #expect(throws: TimestampError("the timestamp was not signed by a timestamp authority of the trusted root")) {
            try await TimestampVerifier.verify(response: response, signature: signature, authorities: [otherAuthority])
        }
        // genTime outside the authority's validFor window.
        var expired = TSAFixtures.authority
        expired.validFor = TimeRange(start: Date() - 7200, end: Date() - 3600)
        await #expect(throws: TimestampError.self) {
            try await TimestampVerifier.verify(response: response, signature: signature, authorities: [expired])
        }
    }

    @Test func serialNumbersDifferAndAreEchoedWhenGiven() throws {
        let request = try TSAFixtures.request(signature)
        let serials = try (0..<50).map { _ in try TimeStampToken(response: TSAFixtures.signer.respond(to: request, at: Date())).info.serialNumber }
        #expect(Set(serials).count == 50)
        let fixed = try TimeStampToken(response: TSAFixtures.signer.respond(to: request, at: Date(), serialNumber: [0x80, 1]))
        #expect(fixed.info.serialNumber == [0, 0x80, 1])
    }

    @Test func policiesAreTheDefaultAnAcceptedOneOrRefused() throws {
        let signer = try TSAFixtures.material.signer(policy: TimestampPolicy(accepted: ["1.2.3.4"]))
        let asked = try TimeStampToken(response: signer.respond(to: try TSAFixtures.request(signature, policy: "1.2.3.4"), at: Date()))
        #expect(asked.info.policy == "1.2.3.4")
        #expect(throws: TimeStampRequestError.unacceptedPolicy("1.2.3.5")) {
            try signer.respond(to: try TSAFixtures.request(signature, policy: "1.2.3.5"), at: Date())
        }
    }

    @Test func rejectionResponsesCarryStatusTextAndTheFailureBit() throws {
        for error in [TimeStampRequestError.weakHashAlgorithm, .extensionsPresent, .unacceptedPolicy("1.2.3"),
                      .malformed("x"), .unsupportedVersion(3)] {
            let response = TimeStampResponseEncoder.rejection(error)
            let status = try TimeStampResponseStatus(response: response)
            #expect(status.status == 2)
            #expect(status.failures == [error.failureInfo.rawValue])
            #expect(status.text == [error.description])
            #expect(throws: TimestampError("the TSA did not grant the timestamp (status 2)")) { try TimeStampToken(response: response) }
        }
        let granted = try TSAFixtures.signer.respond(to: try TSAFixtures.request(signature), at: Date())
        #expect(try TimeStampResponseStatus(response: granted) == TimeStampResponseStatus(response: granted))
        #expect(try TimeStampResponseStatus(response: granted).status == 0)
    }

    @Test func theChainMustHaveTheTSAProfile() throws {
        let material = TSAFixtures.material
        // The CA intermediate as "leaf": a CA, EKU not critical.
        #expect(throws: TimestampSignerError.self) {
            try TimestampSigner(chain: Array(material.chain.dropFirst()), key: material.key)
        }
        // A key that is not the leaf's.
        #expect(throws: TimestampSignerError("the TSA key does not belong to the TSA signing certificate")) {
            try TimestampSigner(chain: material.chain, key: TimestampSigningKey(p256: P256.Signing.PrivateKey()))
        }
        // A leaf alone.
        #expect(throws: TimestampSignerError.self) { try TimestampSigner(chain: [material.chain[0]], key: material.key) }
        // Issuers out of order.
        #expect(throws: TimestampSignerError.self) {
            try TimestampSigner(chain: [material.chain[0], material.chain[2], material.chain[1]], key: material.key)
        }
    }

    @Test func theGeneratedChainHasTheProfileVerifiersRequire() throws {
        let (leaf, intermediate, root) = (TSAFixtures.material.chain[0], TSAFixtures.material.chain[1], TSAFixtures.material.chain[2])
        let eku = try #require(leaf.extensions[oid: .X509ExtensionID.extendedKeyUsage])
        #expect(eku.critical)
        #expect(Array(try ExtendedKeyUsage(eku)) == [.timeStamping])
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try intermediate.extensions.extendedKeyUsage.map(Array.init) == [.timeStamping])
        #expect(root.issuer == root.subject && intermediate.issuer == root.subject && leaf.issuer == intermediate.subject)
        #expect(P256.Signing.PublicKey(leaf.publicKey) != nil, "the leaf signs with P-256")
    }
}
