import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// A client of a Fulcio v2 compatible CA (sigstore-spec A.1–A.3): `POST /api/v2/signingCert`
/// with the identity token and either a PEM CSR or a public key with its proof of possession.
/// It only transports and parses; `IssuedCertificateCheck` decides whether the answer is trusted.
public struct FulcioClient: Sendable {
    let transport: HTTPTransport

    public init(baseURL: String) {
        var transport = HTTPTransport(baseURL: baseURL)
        transport.timeout = .seconds(30)
        transport.maxResponse = 1 << 20
        self.transport = transport
    }

    public var baseURL: String { transport.baseURL }

    /// How the request proves possession of the private key.
    public enum KeyProof: Sendable {
        /// A PEM PKCS#10 CSR; its self-signature is the proof (what sigstore-python sends).
        case certificateSigningRequest(pem: String)
        /// A PEM public key and a signature over the token's challenge (`email` or `sub`).
        case publicKey(pem: String, proofOfPossession: [UInt8])
    }

    /// Asks for a signing certificate. Returns the chain, leaf first, with its SCT embedded.
    public func signingCertificate(token: IdentityToken, proof: KeyProof) async throws -> [Certificate] {
        let path = "/api/v2/signingCert"
        var body: [String: JSONValue] = ["credentials": ["oidcIdentityToken": .string(token.rawValue)]]
        switch proof {
        case .certificateSigningRequest(let pem):
            body["certificateSigningRequest"] = .string(StrictBase64.encode(Array(pem.utf8)))
        case .publicKey(let pem, let signature):
            body["publicKeyRequest"] = ["publicKey": ["algorithm": "ECDSA", "content": .string(pem)],
                                        "proofOfPossession": .string(StrictBase64.encode(signature))]
        }
        // sigstore-go and sigstore-python send the token as a bearer header; Fulcio reads either.
        let answer = try await transport.send(.POST, path, body: CanonicalJSON.encode(.object(body)),
                                              headers: [("Authorization", "Bearer \(token.rawValue)")])
        guard (200..<300).contains(answer.status) else { throw HTTPTransport.failure(answer, path: path) }
        return try Self.parseChain(answer.body, from: transport.baseURL + path)
    }

    /// Reads `{"signedCertificateEmbeddedSct": {"chain": {"certificates": [PEM...]}}}`.
    static func parseChain(_ body: [UInt8], from requested: String) throws -> [Certificate] {
        let url = RequestURL.redacted(requested)
        guard let json = try? JSONValue(parsing: body), json.objectValue != nil else {
            throw ClientError("\(url) answered something that is not JSON")
        }
        if json["signedCertificateDetachedSct"] != nil, json["signedCertificateEmbeddedSct"] == nil {
            throw ClientError("\(url) answered a certificate with a detached SCT; only embedded SCTs are supported")
        }
        guard let list = json["signedCertificateEmbeddedSct"]?["chain"]?["certificates"]?.arrayValue else {
            throw ClientError("\(url) answered without signedCertificateEmbeddedSct.chain.certificates")
        }
        guard list.count >= 2 else {
            throw ClientError("\(url) answered a chain of \(list.count) certificate(s); the leaf and its issuer are needed")
        }
        return try list.enumerated().map { index, value in
            guard let pem = value.stringValue, let certificate = try? Certificate(pemEncoded: pem) else {
                throw ClientError("\(url): certificate \(index) of the chain is not a PEM certificate")
            }
            return certificate
        }
    }
}
