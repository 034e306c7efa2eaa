import Crypto
import WireFormat

/// Rekor v2 `hashedrekord` 0.0.2 bodies (rekor-tiles `pkg/types/hashedrekord`): `spec.hashedRekordV002`
/// with `data {algorithm, digest}` and `signature {content, verifier {keyDetails, x509Certificate|publicKey}}`.
/// DSSE bundles are logged this way too, with the digest of the envelope's PAE.
enum HashedRekordV002Body {
    static func verify(_ body: [UInt8], content: BundleContent, signer: SignerMaterial,
                       artifact: VerificationPolicy.Artifact) throws(VerificationError) {
        guard let json = try? JSONValue(parsing: body), json["apiVersion"]?.stringValue?.isExactly("0.0.2") == true,
              json["kind"]?.stringValue?.isExactly("hashedrekord") == true,
              let spec = json["spec"]?["hashedRekordV002"], let data = spec["data"], let signature = spec["signature"],
              let algorithmName = data["algorithm"]?.stringValue, let algorithm = HashAlgorithm(protobufName: algorithmName),
              let digest = data["digest"]?.stringValue.flatMap(StrictBase64.decode),
              let logged = signature["content"]?.stringValue.flatMap(StrictBase64.decode),
              let verifier = signature["verifier"]
        else { throw .step(.logEntryBody, "the hashedrekord 0.0.2 body is malformed") }
        let certificate = verifier["x509Certificate"]?["rawBytes"]?.stringValue.flatMap(StrictBase64.decode)
        let publicKey = verifier["publicKey"]?["rawBytes"]?.stringValue.flatMap(StrictBase64.decode)
        guard logged == content.signatureBytes else { throw .step(.logEntryBody, "the logged signature is not the bundle's") }
        guard signer.matches(certificateDER: certificate, publicKeyDER: publicKey) else {
            throw .step(.logEntryBody, "the logged verifier is not the bundle's signer")
        }
        let expected: [UInt8]? = switch content {
        case .messageSignature: artifact.digest(algorithm)
        case .dsseEnvelope(let envelope): algorithm.digest(envelope.preAuthenticationEncoding)
        }
        guard expected == digest else {
            throw .step(.logEntryBody, content.isDSSE ? "the logged digest is not the envelope's PAE digest" : "the logged digest is not the artifact's")
        }
    }
}

extension BundleContent {
    var isDSSE: Bool { if case .dsseEnvelope = self { true } else { false } }
}
