import Crypto
import WireFormat

/// Checks that a log entry's canonicalized body records exactly the bundle's signature, signer
/// and artifact (protobuf-specs: "the verifier must check its signature/key/digest equal the
/// bundle's"), for every entry kind a bundle can carry.
enum LogEntryBodyVerification {
    static func verify(_ entry: BundleLogEntry, content: BundleContent, signer: SignerMaterial,
                       artifact: VerificationPolicy.Artifact) throws(VerificationError) {
        // Matched as bytes: `String` patterns compare by canonical equivalence.
        switch (ExactString(entry.kind), ExactString(entry.version)) {
        case ("hashedrekord", "0.0.1"), ("dsse", "0.0.1"):
            let body: RekorEntryBody
            do { body = try RekorEntry.parseCanonicalBody(entry.canonicalizedBody) } catch {
                throw .step(.logEntryBody, "the \(entry.kind) body does not parse: \(error.message)")
            }
            switch body {
            case .hashedRekord(let record): try hashedRekordV001(record, content: content, signer: signer, artifact: artifact)
            case .dsse(let record): try dsseV001(record, content: content, signer: signer)
            }
        case ("hashedrekord", "0.0.2"):
            try HashedRekordV002Body.verify(entry.canonicalizedBody, content: content, signer: signer, artifact: artifact)
        case ("intoto", "0.0.2"):
            try InTotoV002Body.verify(entry.canonicalizedBody, content: content, signer: signer)
        default:
            throw .step(.logEntryBody, "unsupported log entry kind \(UntrustedText.quoted(entry.kind)) version \(UntrustedText.quoted(entry.version))")
        }
    }

    private static func hashedRekordV001(_ record: HashedRekordV001, content: BundleContent, signer: SignerMaterial,
                                         artifact: VerificationPolicy.Artifact) throws(VerificationError) {
        guard case .messageSignature(_, let signature) = content else {
            throw .step(.logEntryBody, "a hashedrekord entry cannot record a DSSE envelope")
        }
        guard record.signature == signature else { throw .step(.logEntryBody, "the logged signature is not the bundle's") }
        guard signer.matches(record.publicKey) else { throw .step(.logEntryBody, "the logged key or certificate is not the bundle's signer") }
        guard artifact.digest(record.hashAlgorithm) == record.digest else {
            throw .step(.logEntryBody, "the logged digest is not the artifact's")
        }
    }

    private static func dsseV001(_ record: DSSEV001, content: BundleContent, signer: SignerMaterial) throws(VerificationError) {
        guard case .dsseEnvelope(let envelope) = content else {
            throw .step(.logEntryBody, "a dsse entry cannot record a message signature")
        }
        guard record.payloadHash == Array(SHA256.hash(data: envelope.payload)) else {
            throw .step(.logEntryBody, "the logged payload hash is not the envelope payload's")
        }
        let logged = record.signatures.map { ($0.signature, $0.verifier) }
        guard logged.count == envelope.signatures.count,
              envelope.signatures.allSatisfy({ s in logged.contains { $0.0 == s.signature && signer.matches($0.1) } })
        else { throw .step(.logEntryBody, "the logged signatures are not the envelope's") }
    }
}
