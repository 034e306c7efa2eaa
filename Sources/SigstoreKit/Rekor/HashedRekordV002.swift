import WireFormat
import X509

/// A Rekor v2 `hashedrekord` 0.0.2 entry (rekor-tiles `pkg/types/hashedrekord`): a signature over an
/// artifact digest and the certificate or public key that made it.
///
/// The request a client posts to `{base}/api/v2/log/entries` (protobuf JSON, lowerCamelCase):
/// `{"hashedRekordRequestV002": {"digest": b64, "signature": {"content": b64, "verifier":
/// {"x509Certificate"|"publicKey": {"rawBytes": b64}, "keyDetails": "PKIX_…"}}}}`.
/// The body the log stores (RFC 8785 JSON, the leaf is its RFC 6962 hash):
/// `{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":
/// "SHA2_256","digest":b64},"signature":{"content":b64,"verifier":{"keyDetails":…,"x509Certificate":
/// {"rawBytes":b64}}}}}}`. Base64 in the request may use either alphabet, padded or not (proto3
/// `bytes`); the body always holds standard padded base64, so one request has one body.
public struct HashedRekordV002: Sendable, Equatable {
    public static let kind = "hashedrekord"
    public static let apiVersion = "0.0.2"

    /// Who made the signature: a DER X.509 certificate (only its key is used; no chain or time
    /// checks, as in rekor-tiles) or a DER SubjectPublicKeyInfo.
    public enum Verifier: Sendable, Equatable {
        case x509Certificate(der: [UInt8])
        case publicKey(der: [UInt8])
    }

    /// The artifact digest the signature covers.
    public let digest: [UInt8]
    public let signature: [UInt8]
    public let verifier: Verifier
    public let keyDetails: RekorV2KeyDetails
    /// The key `verifier` holds, parsed.
    public let key: VerificationKey

    /// An entry from a client's own values (to build the request it posts). Checks shape only; the
    /// log checks the signature.
    public init(digest: [UInt8], signature: [UInt8], verifier: Verifier, keyDetails: RekorV2KeyDetails) throws(EntryError) {
        self.digest = digest
        self.signature = signature
        self.verifier = verifier
        self.keyDetails = keyDetails
        self.key = try Self.key(of: verifier, field: "signature.verifier")
        try checkShape()
    }

    /// Reads a `CreateEntry` request body strictly, then checks it the way rekor-tiles' `ToLogEntry`
    /// does before anything is stored: required fields present and no others, the verifier parsed,
    /// `keyDetails` in the allowed list and matching the key, the digest as long as its hash, and
    /// the signature valid over the digest. Only the hashedrekord form; ``RekorV2EntryRequest``
    /// reads both forms a v2 log accepts.
    public init(request bytes: some Collection<UInt8>) throws(EntryError) {
        let top = try RekorV2EntryRequest.topLevel(bytes)
        if top.has("dsseRequestV002") {
            throw EntryError(.unsupportedType, "dsseRequestV002 is not a hashedrekord request: this reader takes only hashedRekordRequestV002")
        }
        try top.rejectUnknown(["hashedRekordRequestV002"])
        try self.init(requestFields: try top.object("hashedRekordRequestV002"))
    }

    /// Reads and checks the `hashedRekordRequestV002` object.
    init(requestFields request: JSONFields) throws(EntryError) {
        try request.rejectUnknown(["digest", "signature"])
        let digest = try request.protoBytes("digest")
        let signatureFields = try request.object("signature")
        try signatureFields.rejectUnknown(["content", "verifier"])
        let content = try signatureFields.protoBytes("content")
        let (verifier, details) = try Self.verifier(from: try signatureFields.object("verifier"))
        guard digest.count == details.hashAlgorithm.byteCount else {
            throw .malformed("\(request.fieldPath("digest")) is \(digest.count) bytes; \(details.name) needs a \(details.hashAlgorithm.byteCount)-byte \(details.hashAlgorithm.protobufName) digest")
        }
        try self.init(digest: digest, signature: content, verifier: verifier, keyDetails: details)
        try verifySignature()
    }

    /// Reads a protobuf `Verifier` (`{"x509Certificate"|"publicKey": {"rawBytes"}, "keyDetails"}`):
    /// exactly one of the two, and a key type from the allowed list.
    static func verifier(from fields: JSONFields) throws(EntryError) -> (Verifier, RekorV2KeyDetails) {
        try fields.rejectUnknown(["x509Certificate", "publicKey", "keyDetails"])
        let detailsName = try fields.nonEmptyString("keyDetails")
        guard let details = RekorV2KeyDetails(name: detailsName) else {
            throw EntryError(.algorithmNotAllowed, "\(fields.fieldPath("keyDetails")) \(JSONError.quoted(detailsName)) is not an allowed key type; allowed: \(RekorV2KeyDetails.allCases.map(\.name).joined(separator: ", "))")
        }
        switch (fields.has("x509Certificate"), fields.has("publicKey")) {
        case (true, false):
            let raw = try fields.object("x509Certificate")
            try raw.rejectUnknown(["rawBytes"])
            return (.x509Certificate(der: try raw.protoBytes("rawBytes")), details)
        case (false, true):
            let raw = try fields.object("publicKey")
            try raw.rejectUnknown(["rawBytes"])
            return (.publicKey(der: try raw.protoBytes("rawBytes")), details)
        case (true, true):
            throw .malformed("\(fields.path) must hold x509Certificate or publicKey, not both")
        case (false, false):
            throw .malformed("\(fields.path) must hold x509Certificate or publicKey")
        }
    }

    private func checkShape() throws(EntryError) {
        guard digest.count == keyDetails.hashAlgorithm.byteCount else {
            throw .malformed("the digest is \(digest.count) bytes; \(keyDetails.name) needs a \(keyDetails.hashAlgorithm.byteCount)-byte \(keyDetails.hashAlgorithm.protobufName) digest")
        }
        guard !signature.isEmpty else { throw .malformed("signature.content is empty") }
        guard key.kind == keyDetails.keyKind else {
            throw EntryError(.algorithmNotAllowed, "keyDetails \(keyDetails.name) needs a \(keyDetails.keyKind) key, but the verifier holds a \(key.kind) key")
        }
    }

    private static func key(of verifier: Verifier, field: String) throws(EntryError) -> VerificationKey {
        do {
            switch verifier {
            case .x509Certificate(let der):
                let certificate: Certificate
                do { certificate = try Certificate(derEncoded: der) } catch {
                    throw EntryError.malformed("\(field).x509Certificate.rawBytes is not a DER X.509 certificate: \(error)")
                }
                return try VerificationKey(certificate: certificate)
            case .publicKey(let der):
                return try VerificationKey(spkiDER: der)
            }
        } catch let error as EntryError {
            throw error
        } catch let error as KeyError {
            switch error {
            case .unparseable: throw .malformed("\(field): \(error)")
            case .unsupported: throw EntryError(.algorithmNotAllowed, "\(field): \(error)")
            }
        } catch {
            throw .malformed("\(field): \(error)")
        }
    }

    /// The signature must verify over the digest (prehashed) with the verifier's key.
    public func verifySignature() throws(EntryError) {
        guard key.isValidSignature(signature, digest: digest, algorithm: keyDetails.hashAlgorithm) else {
            let against = if case .x509Certificate = verifier { "the certificate's public key" } else { "the public key" }
            throw EntryError(.invalidSignature, "the signature does not verify over the digest with \(against)")
        }
    }

    var verifierJSON: JSONValue {
        var members: [String: JSONValue] = ["keyDetails": .string(keyDetails.name)]
        switch verifier {
        case .x509Certificate(let der): members["x509Certificate"] = ["rawBytes": .string(StrictBase64.encode(der))]
        case .publicKey(let der): members["publicKey"] = ["rawBytes": .string(StrictBase64.encode(der))]
        }
        return .object(members)
    }

    /// The request a client posts.
    public var requestJSON: JSONValue {
        ["hashedRekordRequestV002": [
            "digest": .string(StrictBase64.encode(digest)),
            "signature": ["content": .string(StrictBase64.encode(signature)), "verifier": verifierJSON],
        ]]
    }

    /// The entry as the log stores it (before canonicalization).
    public var bodyJSON: JSONValue {
        [
            "apiVersion": .string(Self.apiVersion),
            "kind": .string(Self.kind),
            "spec": ["hashedRekordV002": [
                "data": ["algorithm": .string(keyDetails.hashAlgorithm.protobufName), "digest": .string(StrictBase64.encode(digest))],
                "signature": ["content": .string(StrictBase64.encode(signature)), "verifier": verifierJSON],
            ]],
        ]
    }

    /// The canonicalized body (RFC 8785), as the log stores and hashes it.
    public var canonicalBody: [UInt8] { CanonicalJSON.encode(bodyJSON) }
}

extension JSONObjectReader where Failure == EntryError {
    /// A proto3 JSON `bytes` field: base64 in either alphabet, padded or not, and not empty.
    func protoBytes(_ key: String) throws(EntryError) -> [UInt8] {
        let text = try nonEmptyString(key)
        guard let bytes = LenientBase64.decode(text), !bytes.isEmpty else {
            throw .malformed("\(fieldPath(key)) is not valid base64")
        }
        return bytes
    }
}
