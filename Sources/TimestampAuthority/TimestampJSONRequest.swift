import SigstoreKit
import SwiftASN1
import WireFormat

/// The JSON request form of Sigstore's timestamp-authority (`openapi.yaml`):
/// `{"artifactHash": base64 digest, "hashAlgorithm": "sha256"|"sha384"|"sha512", "nonce": int,
/// "certificates": bool, "tsaPolicyOID": "1.2.3"}`; only `artifactHash` and `hashAlgorithm` are
/// required, unknown members are refused.
enum TimestampJSONRequest {
    static func parse(_ bytes: [UInt8]) throws(TimestampServiceError) -> TimeStampRequest {
        let document: JSONValue
        do { document = try JSONValue(parsing: bytes) } catch { throw .malformedJSON("not a JSON document") }
        guard let members = document.objectValue else { throw .malformedJSON("not a JSON object") }
        let known = ["artifactHash", "hashAlgorithm", "nonce", "certificates", "tsaPolicyOID"]
        if let unknown = members.keys.first(where: { name in !known.contains(where: { $0.isExactly(name) }) }) {
            throw .malformedJSON("unknown member \(JSONError.quoted(unknown))")
        }
        guard let name = members["hashAlgorithm"]?.stringValue else { throw .malformedJSON("hashAlgorithm must be a string") }
        guard let text = members["artifactHash"]?.stringValue, let digest = StrictBase64.decode(text) else {
            throw .malformedJSON("artifactHash must be standard base64")
        }
        guard let algorithm = HashAlgorithm.allCases.first(where: { $0.rawValue.isExactly(name) }) else {
            if name.isExactly("sha1") { throw .request(.weakHashAlgorithm) }
            throw .request(.unsupportedHashAlgorithm(JSONError.quoted(name)))
        }
        var nonce: [UInt8]?
        if let value = members["nonce"], !value.isNull {
            guard let number = value.integerValue, number >= 0 else { throw .malformedJSON("nonce must be a non-negative integer") }
            nonce = withUnsafeBytes(of: UInt64(number).bigEndian, Array.init)
        }
        var certificates = false
        if let value = members["certificates"], !value.isNull {
            guard let flag = value.boolValue else { throw .malformedJSON("certificates must be true or false") }
            certificates = flag
        }
        var policy: ASN1ObjectIdentifier?
        if let value = members["tsaPolicyOID"], !value.isNull {
            guard let text = value.stringValue, let oid = try? ASN1ObjectIdentifier(dotRepresentation: text) else {
                throw .malformedJSON("tsaPolicyOID must be a dotted OID")
            }
            policy = oid
        }
        do {
            return try TimeStampRequest(hashAlgorithm: algorithm, hashedMessage: digest, policy: policy, nonce: nonce,
                                        certificateRequested: certificates)
        } catch {
            throw .request(error)
        }
    }
}
