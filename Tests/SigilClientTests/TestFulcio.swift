import Crypto
import Foundation
import Hummingbird
import NIOCore
import SigstoreKit
import SwiftASN1
import TestSupport
import WireFormat
import X509

/// An in-process stand-in for Sigil's CA (until its router can be used from this test target):
/// `POST /api/v2/signingCert` with a PEM CSR answers a Fulcio-shaped leaf for the token's `sub`,
/// issued by `TestCA`'s intermediate, with an embedded SCT from `ctKey`. `misbehave` makes it
/// answer what a broken or hostile CA might.
struct TestFulcio: Sendable {
    enum Misbehaviour: Sendable { case none, otherKey, garbage, serverError, noSCT }

    let ca = TestCA()
    let ctKey = SigningKey.generateP256()
    var issuerURL = "https://issuer.example.com"
    /// The SAN of issued leaves: an email, or a Fulcio username (otherName `.1.7`, UTF8String)
    /// when it has no `@`, so tests can certify text an IA5String cannot hold.
    var identity = "alice@example.com"

    var ctLog: TransparencyLogInstance {
        TransparencyLogInstance(baseURL: "http://ct.invalid", key: ctKey.verificationKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                validFor: TimeRange(start: Date().addingTimeInterval(-3600)))
    }

    var authority: TrustedCertificateAuthority {
        TrustedCertificateAuthority(subject: .init(organization: "sigil test", commonName: "test"), uri: nil,
                             certificates: [ca.intermediate, ca.root], validFor: TimeRange(start: Date().addingTimeInterval(-3600)))
    }

    func router(_ misbehave: Misbehaviour = .none) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/api/v2/signingCert") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            switch misbehave {
            case .garbage: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>not json</html>")))
            case .serverError: return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"boom"}"#)))
            default: break
            }
            let json = try JSONValue(parsing: Array(body.readableBytesView))
            guard let csrText = json["certificateSigningRequest"]?.stringValue, let csrPEM = StrictBase64.decode(csrText),
                  let csr = try? CertificateSigningRequest(pemEncoded: String(decoding: csrPEM, as: UTF8.self)) else {
                return Response(status: .badRequest)
            }
            let key = misbehave == .otherKey ? Certificate.PublicKey(P256.Signing.PrivateKey().publicKey) : csr.publicKey
            let leaf = try issue(publicKey: key, email: identity, withSCT: misbehave != .noSCT)
            let chain: JSONValue = ["signedCertificateEmbeddedSct": ["chain": ["certificates": .array(
                [leaf, ca.intermediate, ca.root].map { .string(try! $0.serializeAsPEM().pemString + "\n") })]]]
            return Response(status: .created, body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(chain))))
        }
        return router
    }

    /// Builds the leaf without the SCT list (that TBS is what the CT key signs), then the same
    /// certificate with the SCT list appended as the last extension.
    func issue(publicKey: Certificate.PublicKey, email: String, withSCT: Bool) throws -> Certificate {
        let now = Date()
        let serial = Certificate.SerialNumber()
        var extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.codeSigning])
            Critical(SubjectAlternativeNames([email.containsByte(UInt8(ascii: "@")) ? .rfc822Name(email) : try Self.username(email)]))
            AuthorityKeyIdentifier(keyIdentifier: ArraySlice(Insecure.SHA1.hash(data: ca.intermediateKey.publicKey.x963Representation)))
            Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 57264, 1, 1], critical: false, value: ArraySlice(issuerURL.utf8))
            Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 57264, 1, 8], critical: false, value: ArraySlice(try Self.utf8String(issuerURL)))
        }
        func build(_ extensions: Certificate.Extensions) throws -> Certificate {
            try Certificate(version: .v3, serialNumber: serial, publicKey: publicKey, notValidBefore: now - 5, notValidAfter: now + 600,
                            issuer: ca.intermediate.subject, subject: DistinguishedName(), signatureAlgorithm: .ecdsaWithSHA256,
                            extensions: extensions, issuerPrivateKey: .init(ca.intermediateKey))
        }
        guard withSCT else { return try build(extensions) }
        let precert = try build(extensions)
        let timestamp = UInt64(now.timeIntervalSince1970 * 1000)
        let signed = try PrecertificateSignedData.build(
            timestamp: timestamp, extensions: [], issuerKeyHash: Array(SHA256.hash(data: ca.intermediateKey.publicKey.derRepresentation)),
            tbsCertificate: Array(precert.tbsCertificateBytes))
        let sct = SignedCertificateTimestamp(logID: ctKey.verificationKey.keyID, timestamp: timestamp, signatureAlgorithm: .ecdsa,
                                             signature: try ctKey.sign(signed))
        let value = try SignedCertificateTimestampList([sct]).extensionValue()
        try extensions.append(Certificate.Extension(oid: SignedCertificateTimestampList.extensionOID, critical: false, value: ArraySlice(value)))
        return try build(extensions)
    }

    static func username(_ name: String) throws -> GeneralName {
        .otherName(.init(typeID: [1, 3, 6, 1, 4, 1, 57264, 1, 7], value: try ASN1Any(derEncoded: utf8String(name))))
    }

    static func utf8String(_ text: String) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(ASN1UTF8String(text))
        return serializer.serializedBytes
    }

    /// A token the fake accepts (it never checks signatures: the client must not rely on that).
    func token(subject: String = "alice@example.com", expiresIn: TimeInterval = 600) -> String {
        func part(_ json: JSONValue) -> String {
            Data(CanonicalJSON.encode(json)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let claims: JSONValue = ["iss": .string(issuerURL), "sub": .string(subject), "email": .string(subject), "email_verified": true,
                                 "aud": "sigstore", "iat": .integer(now), "exp": .integer(now + Int64(expiresIn))]
        return part(["alg": "ES256", "typ": "JWT"]) + "." + part(claims) + ".c2ln"
    }
}
