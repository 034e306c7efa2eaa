import Foundation
import SigstoreKit
import SwiftASN1
import WireFormat
import X509

/// A Fulcio v2 `CreateSigningCertificateRequest` (sigstore-spec.md §A.2) as proto3 JSON:
/// `credentials.oidcIdentityToken` (or the `Authorization: Bearer` header) and exactly one of
/// `publicKeyRequest {publicKey {algorithm, content}, proofOfPossession}` or
/// `certificateSigningRequest` (base64 of a PEM PKCS#10 CSR).
///
/// Its `bytes` fields are read with ``LenientBase64``, not strictly: Fulcio reads this body with Go's
/// protojson, which accepts either alphabet and missing padding, and clients rely on that. What the
/// CA checks (the key, the proof, the CSR) is the decoded bytes, so the spelling changes nothing.
public struct SigningCertificateRequest: Sendable {
    /// How the requester proves it holds the private key.
    public enum KeyProof: Sendable {
        /// A public key (PEM or DER SPKI) and a signature over the challenge claim.
        case publicKey(spkiDER: [UInt8], proofOfPossession: [UInt8])
        /// A CSR, whose self-signature is the proof.
        case csr(CertificateSigningRequest)
    }

    public let token: String
    public let keyProof: KeyProof

    /// Parses the JSON body; `bearerToken` is the `Authorization: Bearer` value, used when the
    /// body carries no credentials (sigstore-python and sigstore-go send only the header).
    public init(json bytes: [UInt8], bearerToken: String?) throws(IssuanceError) {
        guard let body = try? JSONValue(parsing: bytes), body.objectValue != nil else {
            throw .malformedRequest("body is not a JSON object")
        }
        if let token = body["credentials"]?["oidcIdentityToken"]?.stringValue, !token.isEmpty {
            self.token = token
        } else if let bearerToken, !bearerToken.isEmpty {
            token = bearerToken
        } else {
            throw .token(.missing)
        }
        switch (body["publicKeyRequest"], body["certificateSigningRequest"]) {
        case (let request?, nil):
            keyProof = try Self.publicKeyProof(request)
        case (nil, let csr?):
            keyProof = .csr(try Self.parseCSR(csr))
        case (nil, nil):
            throw .malformedRequest("needs publicKeyRequest or certificateSigningRequest")
        case (_?, _?):
            throw .malformedRequest("publicKeyRequest and certificateSigningRequest are mutually exclusive")
        }
    }

    private static func publicKeyProof(_ request: JSONValue) throws(IssuanceError) -> KeyProof {
        guard let content = request["publicKey"]?["content"]?.stringValue, !content.isEmpty else {
            throw .unparseablePublicKey("publicKeyRequest.publicKey.content is missing")
        }
        try checkAlgorithm(request["publicKey"]?["algorithm"])
        let spki: [UInt8]
        if content.containsExactly("-----BEGIN") {
            // Any base64 line length, as Fulcio (Go's encoding/pem) accepts; nothing around the block.
            do { spki = try PEMDecoding.block(in: content, label: "PUBLIC KEY").der } catch {
                throw .unparseablePublicKey("publicKeyRequest.publicKey.content: \(error.message)")
            }
        } else if let der = LenientBase64.decode(content) {
            spki = der
        } else {
            throw .unparseablePublicKey("content is neither PEM nor base64 DER")
        }
        guard let popText = request["proofOfPossession"]?.stringValue, !popText.isEmpty else {
            throw .missingProofOfPossession
        }
        guard let pop = LenientBase64.decode(popText) else {
            throw .invalidProofOfPossession("proofOfPossession is not base64")
        }
        return .publicKey(spkiDER: spki, proofOfPossession: pop)
    }

    /// `publicKey.algorithm`: its value is not used (the key says what it is). Fulcio's proto3 JSON
    /// decoder (grpc-gateway's, with `DiscardUnknown`) takes any string, an unknown enum name
    /// included, and a whole number within 32 bits, and refuses a request whose field is anything
    /// else; so does the CA, rather than issuing for a body Fulcio would call malformed.
    private static func checkAlgorithm(_ value: JSONValue?) throws(IssuanceError) {
        switch value {
        case nil, .null?, .string?:
            return
        case .integer(let number)? where Int64(Int32.min)...Int64(Int32.max) ~= number:
            return
        case .number(let number)? where number.rounded() == number && Double(Int32.min)...Double(Int32.max) ~= number:
            return
        case let other?:
            throw .malformedRequest("publicKeyRequest.publicKey.algorithm must be an enum name or a 32-bit enum number, not "
                + UntrustedText.quoted(String(decoding: CanonicalJSON.encode(other), as: UTF8.self), limit: 64))
        }
    }

    private static func parseCSR(_ value: JSONValue) throws(IssuanceError) -> CertificateSigningRequest {
        guard let text = value.stringValue, let bytes = LenientBase64.decode(text) else {
            throw .malformedCSR("certificateSigningRequest is not base64")
        }
        if let pem = String(validating: bytes, as: UTF8.self), pem.containsExactly("-----BEGIN") {
            // Any base64 line length (OpenSSL writes 64, other tools 76), as Fulcio accepts.
            let block: PEMBlock
            do { block = try PEMDecoding.block(in: pem, label: "CERTIFICATE REQUEST") } catch {
                throw .malformedCSR("not a PEM CERTIFICATE REQUEST: \(error.message)")
            }
            return try decodeCSR(block.der)
        }
        return try decodeCSR(bytes)
    }

    /// Decodes the CSR; when swift-certificates refuses its key (e.g. RSA-1024), says so instead of "malformed".
    private static func decodeCSR(_ der: [UInt8]) throws(IssuanceError) -> CertificateSigningRequest {
        do {
            return try CertificateSigningRequest(derEncoded: der)
        } catch {
            if let spki = spkiBytes(inCSR: der) { _ = try KeyPolicy.check(spkiDER: spki) }
            throw .malformedCSR("not a DER PKCS#10 request")
        }
    }

    /// `CertificationRequest.certificationRequestInfo.subjectPKInfo` (RFC 2986 §4), raw.
    private static func spkiBytes(inCSR der: [UInt8]) -> [UInt8]? {
        guard let root = try? DER.parse(der), case .constructed(let top) = root.content,
              let info = top.first(where: { _ in true }), case .constructed(let fields) = info.content
        else { return nil }
        let list = Array(fields)
        guard list.count >= 3 else { return nil }
        var serializer = DER.Serializer()
        serializer.serialize(list[2])
        return serializer.serializedBytes
    }
}
