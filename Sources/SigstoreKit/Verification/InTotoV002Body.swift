import Crypto
import Foundation
import WireFormat

/// Legacy Rekor `intoto` 0.0.2 bodies (sigstore/rekor `pkg/types/intoto/v0.0.2`): the envelope is
/// kept with `payload` and each `sig` base64-encoded once more, and each signature carries its
/// verifier as base64 PEM; `payloadHash` is the SHA-256 of the (decoded) payload.
enum InTotoV002Body {
    static func verify(_ body: [UInt8], content: BundleContent, signer: SignerMaterial) throws(VerificationError) {
        guard case .dsseEnvelope(let envelope) = content else {
            throw .step(.logEntryBody, "an intoto entry cannot record a message signature")
        }
        guard let json = try? JSONValue(parsing: body), json["apiVersion"]?.stringValue?.isExactly("0.0.2") == true,
              json["kind"]?.stringValue?.isExactly("intoto") == true,
              let spec = json["spec"]?["content"], let logged = spec["envelope"],
              let payloadHashHex = spec["payloadHash"]?["value"]?.stringValue,
              let signatures = logged["signatures"]?.arrayValue
        else { throw .step(.logEntryBody, "the intoto 0.0.2 body is malformed") }
        guard LowercaseHex.decode(payloadHashHex) == Array(SHA256.hash(data: envelope.payload)) else {
            throw .step(.logEntryBody, "the logged payload hash is not the envelope payload's")
        }
        if let payload = logged["payload"]?.stringValue {
            guard doubleDecoded(payload) == envelope.payload else {
                throw .step(.logEntryBody, "the logged payload is not the envelope's")
            }
        }
        guard logged["payloadType"]?.stringValue.map({ $0.isExactly(envelope.payloadType) }) ?? true else {
            throw .step(.logEntryBody, "the logged payload type is not the envelope's")
        }
        let pairs: [([UInt8]?, (type: String, der: [UInt8])?)] = signatures.map { s in
            let sig = s["sig"]?.stringValue.flatMap(doubleDecoded)
            let key = s["publicKey"]?.stringValue.flatMap(StrictBase64.decode).flatMap(lenientPEM)
            return (sig, key)
        }
        func isSigner(_ block: (type: String, der: [UInt8])?) -> Bool {
            guard let block else { return false }
            return signer.matches(certificateDER: block.type.isExactly("CERTIFICATE") ? block.der : nil,
                                  publicKeyDER: block.type.isExactly("PUBLIC KEY") ? block.der : nil)
        }
        guard pairs.count == envelope.signatures.count,
              envelope.signatures.allSatisfy({ s in pairs.contains { $0.0 == s.signature && isSigner($0.1) } })
        else { throw .step(.logEntryBody, "the logged signatures are not the envelope's") }
    }

    /// The first PEM block of `bytes`, whatever its line lengths (`PEMDecoding`): old intoto entries
    /// were written by clients that wrapped base64 at other widths than RFC 7468's 64 columns.
    private static func lenientPEM(_ bytes: [UInt8]) -> (type: String, der: [UInt8])? {
        guard let block = try? PEMDecoding.blocks(in: String(decoding: bytes, as: UTF8.self)).first else { return nil }
        return (block.label, block.der)
    }

    /// base64(base64(bytes)) → bytes.
    private static func doubleDecoded(_ text: String) -> [UInt8]? {
        StrictBase64.decode(text).flatMap { StrictBase64.decode(String(decoding: $0, as: UTF8.self)) }
    }
}
