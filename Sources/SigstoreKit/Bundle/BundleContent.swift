import WireFormat

/// What a bundle signs: a message signature over an artifact digest, or a DSSE envelope.
public enum BundleContent: Sendable, Equatable {
    /// protobuf-specs `MessageSignature`. `digest` identifies the artifact but is never trusted
    /// to verify the signature.
    case messageSignature(digest: (algorithm: HashAlgorithm, bytes: [UInt8])?, signature: [UInt8])
    case dsseEnvelope(DSSEEnvelope)

    /// The signature bytes an RFC 3161 timestamp covers.
    public var signatureBytes: [UInt8] {
        switch self {
        case .messageSignature(_, let signature): signature
        case .dsseEnvelope(let envelope): envelope.signatures.first?.signature ?? []
        }
    }

    public static func == (lhs: BundleContent, rhs: BundleContent) -> Bool {
        switch (lhs, rhs) {
        case let (.messageSignature(a, s), .messageSignature(b, t)):
            s == t && a?.algorithm == b?.algorithm && a?.bytes == b?.bytes
        case let (.dsseEnvelope(a), .dsseEnvelope(b)): a == b
        default: false
        }
    }

    static func messageSignature(_ o: ProtoJSONObject) throws(ProtoJSONError) -> BundleContent {
        try o.rejectUnknown(["messageDigest", "signature"])
        var digest: (algorithm: HashAlgorithm, bytes: [UInt8])?
        if let d = try o.optionalObject("messageDigest") {
            try d.rejectUnknown(["algorithm", "digest"])
            let name = try d.string("algorithm")
            guard let algorithm = HashAlgorithm(protobufName: name) else {
                throw ProtoJSONError("\(d.fieldPath("algorithm")) \(JSONError.quoted(name)) is not supported")
            }
            let bytes = try d.bytes("digest")
            guard bytes.count == algorithm.byteCount else {
                throw ProtoJSONError("\(d.fieldPath("digest")) must be \(algorithm.byteCount) bytes for \(name)")
            }
            digest = (algorithm, bytes)
        }
        return .messageSignature(digest: digest, signature: try o.nonEmptyBytes("signature"))
    }

    static func dsse(_ value: JSONValue?, path: String) throws(ProtoJSONError) -> BundleContent {
        let envelope: DSSEEnvelope
        do { envelope = try DSSEEnvelope(json: value ?? .null) } catch { throw ProtoJSONError("\(path): \(error.message)") }
        guard envelope.signatures.count == 1 else {
            throw ProtoJSONError("\(path) must hold exactly one signature, not \(envelope.signatures.count)")
        }
        return .dsseEnvelope(envelope)
    }

    var member: (String, JSONValue) {
        switch self {
        case .messageSignature(let digest, let signature):
            var members: [String: JSONValue] = ["signature": .string(StrictBase64.encode(signature))]
            if let digest {
                members["messageDigest"] = ["algorithm": .string(digest.algorithm.protobufName),
                                            "digest": .string(StrictBase64.encode(digest.bytes))]
            }
            return ("messageSignature", .object(members))
        case .dsseEnvelope(let envelope):
            return ("dsseEnvelope", envelope.json)
        }
    }
}
