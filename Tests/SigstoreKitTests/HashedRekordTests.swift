import Crypto
import Foundation
@testable import SigstoreKit
import SwiftASN1
import Testing
import WireFormat
import X509
import _CryptoExtras

@Suite("hashedrekord 0.0.1")
struct HashedRekordTests {
    typealias F = RekorFixtures

    @Test("OpenSSL vector with a certificate: exact canonical body and search keys")
    func opensslCertificate() throws {
        let entry = try RekorEntry.canonicalize(proposedEntry: F.hashedRekordProposal().bytes)
        #expect(entry.kind == "hashedrekord")
        #expect(entry.apiVersion == "0.0.1")
        #expect(String(decoding: entry.body, as: UTF8.self) == F.hashedRekordBody)
        #expect(entry.searchKeys == EntrySearchKeys(
            artifactHashes: ["sha256:\(F.artifactSHA256)"],
            identities: F.identities,
            publicKeyFingerprints: [F.keyFingerprint]))
        guard case .hashedRekord(let content) = entry.content else { Issue.record("wrong kind"); return }
        #expect(content.publicKey.certificates.count == 1)
        #expect(content.signatureContent == F.signature)
    }

    @Test("OpenSSL vector with a bare PEM public key")
    func opensslPublicKey() throws {
        let entry = try RekorEntry.canonicalize(proposedEntry: F.hashedRekordProposal(publicKey: F.publicKey).bytes)
        let expected = F.hashedRekordBody.replacingOccurrences(of: F.certificate, with: F.publicKey)
        #expect(String(decoding: entry.body, as: UTF8.self) == expected)
        #expect(entry.searchKeys == EntrySearchKeys(
            artifactHashes: ["sha256:\(F.artifactSHA256)"], identities: [], publicKeyFingerprints: [F.keyFingerprint]))
    }

    @Test("generated P-256 key with a self-signed certificate carrying an email SAN")
    func generatedKeyAndCertificate() throws {
        let key = P256.Signing.PrivateKey()
        let certificate = try F.selfSignedCertificate(key: key, names: [.rfc822Name("Dev@Sigil.Example")])
        let pem = try F.pem(certificate)
        let artifact = Array("some artifact".utf8)
        let digest = SHA256.hash(data: artifact)
        let signature = try key.signature(for: digest).derRepresentation.base64EncodedString()
        let hex = LowercaseHex.encode(digest)
        let proposal = F.hashedRekordProposal(digest: hex, signature: signature, publicKey: F.base64(pem))

        let entry = try RekorEntry.canonicalize(proposedEntry: proposal.bytes)

        let expected = #"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"\#(hex)"}},"signature":{"content":"\#(signature)","publicKey":{"content":"\#(F.base64(pem))"}}}}"#
        #expect(String(decoding: entry.body, as: UTF8.self) == expected)
        #expect(entry.searchKeys.identities == ["dev@sigil.example"])
        #expect(entry.searchKeys.publicKeyFingerprints == [LowercaseHex.encode(SHA256.hash(data: key.publicKey.derRepresentation))])
    }

    @Test("the key is stored as canonical PEM (as Rekor re-encodes it), whatever the PEM's line breaks")
    func canonicalKeyContent() throws {
        let crlfPEM = String(decoding: StrictBase64.decode(F.certificate)!, as: UTF8.self)
            .replacingOccurrences(of: "\n", with: "\r\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let content = F.base64(crlfPEM)
        let entry = try RekorEntry.canonicalize(proposedEntry: F.hashedRekordProposal(publicKey: content).bytes)
        #expect(String(decoding: entry.body, as: UTF8.self) == F.hashedRekordBody)
    }

    @Test("whitespace and member order in the proposal do not change the body")
    func proposalLayoutIrrelevant() throws {
        let messy = """
            { "spec" : { "data" : { "hash" : { "value" : "\(F.artifactSHA256)", "algorithm" : "sha256" } },
                         "signature" : { "publicKey" : { "content" : "\(F.certificate)" }, "content" : "\(F.signature)" } },
              "kind" : "hashedrekord", "apiVersion" : "0.0.1" }
            """
        let entry = try RekorEntry.canonicalize(proposedEntry: Array(messy.utf8))
        #expect(String(decoding: entry.body, as: UTF8.self) == F.hashedRekordBody)
    }

    @Test("P-384 with sha384 and RSA-2048 with sha256 verify over the prehashed digest")
    func otherKeyTypes() throws {
        let artifact = Array("other keys".utf8)

        let p384 = P384.Signing.PrivateKey()
        let sig384 = try p384.signature(for: SHA384.hash(data: artifact)).derRepresentation.base64EncodedString()
        let proposal384 = F.hashedRekordProposal(algorithm: "sha384", digest: LowercaseHex.encode(SHA384.hash(data: artifact)),
                                                 signature: sig384, publicKey: F.base64(p384.publicKey.pemRepresentation))
        let entry384 = try RekorEntry.canonicalize(proposedEntry: proposal384.bytes)
        #expect(entry384.searchKeys.artifactHashes == ["sha384:\(LowercaseHex.encode(SHA384.hash(data: artifact)))"])

        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let sigRSA = try rsa.signature(for: SHA256.hash(data: artifact), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
        let proposalRSA = F.hashedRekordProposal(digest: LowercaseHex.encode(SHA256.hash(data: artifact)),
                                                 signature: sigRSA, publicKey: F.base64(rsa.publicKey.pemRepresentation))
        _ = try RekorEntry.canonicalize(proposedEntry: proposalRSA.bytes)

        let tampered = F.hashedRekordProposal(digest: LowercaseHex.encode(SHA256.hash(data: Array("x".utf8))),
                                              signature: sigRSA, publicKey: F.base64(rsa.publicKey.pemRepresentation))
        let error = #expect(throws: EntryError.self) { try RekorEntry.canonicalize(proposedEntry: tampered.bytes) }
        #expect(error?.code == .invalidSignature)
    }

    @Test("a certificate chain, leaf first, is accepted; only the leaf's key and SANs count")
    func certificateChain() throws {
        let leafKey = P256.Signing.PrivateKey()
        let (leaf, root) = try F.certificateChain(leafKey: leafKey, email: "ci@sigil.example")
        let digest = SHA256.hash(data: Array("chained".utf8))
        let signature = try leafKey.signature(for: digest).derRepresentation.base64EncodedString()
        func proposal(_ pems: [String]) -> [UInt8] {
            F.hashedRekordProposal(digest: LowercaseHex.encode(digest), signature: signature,
                                   publicKey: F.base64(pems.joined())).bytes
        }

        let entry = try RekorEntry.canonicalize(proposedEntry: proposal([try F.pem(leaf), try F.pem(root)]))
        #expect(entry.searchKeys.identities == ["ci@sigil.example"])
        guard case .hashedRekord(let content) = entry.content else { Issue.record("wrong kind"); return }
        #expect(content.publicKey.certificates == [leaf, root])

        #expect(throws: EntryError(.malformed, "spec.signature.publicKey.content: certificate 0 is not issued by certificate 1 (chains are leaf first)")) {
            try RekorEntry.canonicalize(proposedEntry: proposal([try F.pem(root), try F.pem(leaf)]))
        }
        #expect(throws: EntryError(.malformed, "spec.signature.publicKey.content holds 11 certificates; at most 10 are accepted")) {
            try RekorEntry.canonicalize(proposedEntry: proposal(Array(repeating: try F.pem(leaf), count: 11)))
        }
    }

    @Test("identities: every SAN form Rekor indexes, lowercased, without duplicates")
    func identities() throws {
        let key = P256.Signing.PrivateKey()
        var utf8 = DER.Serializer()
        try utf8.serialize(ASN1UTF8String("Bob"))
        let username = GeneralName.OtherName(typeID: [1, 3, 6, 1, 4, 1, 57264, 1, 7], value: try ASN1Any(derEncoded: utf8.serializedBytes))
        let certificate = try F.selfSignedCertificate(key: key, names: [
            .rfc822Name("A@Example.com"), .rfc822Name("a@example.com"), .dnsName("Build.Example.COM"),
            .uniformResourceIdentifier("spiffe://Example/ns"), .otherName(username),
            .ipAddress(ASN1OctetString(contentBytes: [192, 0, 2, 1])),
            .ipAddress(ASN1OctetString(contentBytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
        ])
        let material = try PublicKeyMaterial(pem: try F.pem(certificate))
        #expect(material.identities == ["a@example.com", "build.example.com", "spiffe://example/ns", "bob", "192.0.2.1", "2001:db8::1"])
    }

    @Test("a username SAN that is not valid UTF-8 is refused, not read with U+FFFD in place of its bytes")
    func usernameOfInvalidUTF8() throws {
        let key = P256.Signing.PrivateKey()
        var utf8 = DER.Serializer()
        try utf8.serialize(ASN1UTF8String(contentBytes: [0x62, 0x6F, 0x62, 0xFF]))
        let username = GeneralName.OtherName(typeID: [1, 3, 6, 1, 4, 1, 57264, 1, 7], value: try ASN1Any(derEncoded: utf8.serializedBytes))
        let certificate = try F.selfSignedCertificate(key: key, names: [.otherName(username)])
        #expect(throws: EntryError.self) { try PublicKeyMaterial(pem: try F.pem(certificate)) }
        let identity = try CertificateIdentity(subject: .exact("bob\u{FFFD}"), issuer: .regularExpression(".*"))
        #expect(throws: VerificationError.self) { try IdentityVerification.verify(certificate, against: identity) }

        // The OIDC issuer extension (.1.8, a DER UTF8String) likewise.
        var issuer = DER.Serializer()
        try issuer.serialize(ASN1UTF8String(contentBytes: Array("https://issuer.example/\u{FF}".utf8.dropLast(2)) + [0xFF]))
        let name = try DistinguishedName { CommonName("sigil test") }
        let withIssuer = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey), notValidBefore: Date() - 60, notValidAfter: Date() + 600,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 57264, 1, 8], critical: false, value: ArraySlice(issuer.serializedBytes))
            },
            issuerPrivateKey: .init(key))
        #expect(throws: VerificationError.self) { try FulcioExtension.oidcIssuer(in: withIssuer) }
    }

    @Test("a client can build the proposal from its own values")
    func clientSideConstruction() throws {
        let pem = String(decoding: StrictBase64.decode(F.certificate)!, as: UTF8.self)
        let built = try HashedRekordV001(hashAlgorithm: .sha256, digest: LowercaseHex.decode(F.artifactSHA256)!,
                                         signature: StrictBase64.decode(F.signature)!, publicKeyPEM: pem)
        try built.verifySignature()
        #expect(String(decoding: built.canonicalBody, as: UTF8.self) == F.hashedRekordBody)
        #expect(try RekorEntry.canonicalize(proposedEntry: built.canonicalBody).body == built.canonicalBody)
    }

    @Test("a stored body reads back; a body that is not canonical does not")
    func parseCanonicalBody() throws {
        let body = Array(F.hashedRekordBody.utf8)
        let parsed = try RekorEntry.parseCanonicalBody(body)
        #expect(parsed.kind == "hashedrekord")
        #expect(parsed.apiVersion == "0.0.1")
        #expect(parsed.canonicalBody == body)
        #expect(parsed.searchKeys.identities == F.identities)
        guard case .hashedRekord(let entry) = parsed else { Issue.record("wrong kind"); return }
        try entry.verifySignature()

        #expect(throws: EntryError(.malformed, "the body is not in canonical form (RFC 8785)")) {
            try RekorEntry.parseCanonicalBody(Array((F.hashedRekordBody + "\n").utf8))
        }
        #expect(throws: EntryError(.malformed, "the body is not in canonical form (RFC 8785)")) {
            try RekorEntry.parseCanonicalBody(Array(F.hashedRekordBody.replacingOccurrences(of: #""apiVersion":"0.0.1","kind":"hashedrekord","#, with: #""kind":"hashedrekord","apiVersion":"0.0.1","#).utf8))
        }
    }
}
