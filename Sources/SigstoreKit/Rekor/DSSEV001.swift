import Crypto
import WireFormat

/// A `dsse` v0.0.1 entry (sigstore/rekor pkg/types/dsse/v0.0.1): a DSSE envelope whose every
/// signature verifies with one of the supplied verifiers.
///
/// A proposal carries the envelope:
/// `{"apiVersion":"0.0.1","kind":"dsse","spec":{"proposedContent":{"envelope":<envelope JSON as a
/// string>,"verifiers":[<base64 of PEM>, …]}}}`.
/// The stored body keeps only hashes and signatures:
/// `{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256","value":…},
/// "payloadHash":{"algorithm":"sha256","value":…},"signatures":[{"signature":…,"verifier":…}]}}`,
/// signatures sorted by their base64 text, each with the verifier that verified it: the signature
/// as strict base64, the verifier as base64 of its canonical PEM (`PublicKeyMaterial.canonicalPEM`),
/// as Rekor stores it, so one key has one stored form.
public struct DSSEV001: Sendable, Equatable {
    public static let kind = "dsse"
    public static let apiVersion = "0.0.1"

    /// One envelope signature and the verifier it verifies with.
    public struct Signature: Sendable, Equatable {
        /// The raw signature.
        public let signature: [UInt8]
        /// The signature's base64 text as received.
        public let signatureContent: String
        /// The key or certificate that verifies it.
        public let verifier: PublicKeyMaterial
        /// The verifier's base64-of-PEM text: canonical for a validated proposal, as stored for a
        /// stored body read back.
        public let verifierContent: String
    }

    /// The most envelope signatures, and the most verifiers, one proposal may carry. Each signature
    /// is tried against each verifier, so this bounds the work one request can demand.
    public static let maximumSignatures = 16

    /// SHA-256 of the envelope's JSON text, as the client sent it.
    public let envelopeHash: [UInt8]
    /// SHA-256 of the decoded payload.
    public let payloadHash: [UInt8]
    /// Sorted by `signatureContent` (byte order).
    public let signatures: [Signature]

    /// Validates a proposal's `spec`: parses the envelope and verifiers and checks that every
    /// envelope signature verifies over the PAE with one of the verifiers (each key's default hash).
    static func verifyingProposal(spec: JSONFields) throws(EntryError) -> (entry: DSSEV001, envelope: DSSEEnvelope) {
        let serverFields = ["envelopeHash", "payloadHash", "signatures"].filter(spec.has)
        if spec.has("proposedContent") && !serverFields.isEmpty {
            throw .malformed("spec must contain either proposedContent or the server-computed \(serverFields.joined(separator: ", ")), but not both")
        }
        if !spec.has("proposedContent") && !serverFields.isEmpty {
            throw .malformed("spec.proposedContent is missing (\(serverFields.joined(separator: ", ")) are computed by the log)")
        }
        try spec.rejectUnknown(["proposedContent"])
        let proposed = try spec.object("proposedContent")
        try proposed.rejectUnknown(["envelope", "verifiers"])
        let envelopeText = try proposed.nonEmptyString("envelope")
        let envelope: DSSEEnvelope
        do {
            envelope = try DSSEEnvelope(parsing: Array(envelopeText.utf8))
        } catch {
            throw .malformed("\(proposed.fieldPath("envelope")): \(error)")
        }

        guard envelope.signatures.count <= maximumSignatures else {
            throw .malformed("\(proposed.fieldPath("envelope")) has \(envelope.signatures.count) signatures; at most \(maximumSignatures) are accepted")
        }
        let verifierValues = try proposed.array("verifiers")
        guard !verifierValues.isEmpty else { throw .malformed("\(proposed.fieldPath("verifiers")) is empty") }
        guard verifierValues.count <= maximumSignatures else {
            throw .malformed("\(proposed.fieldPath("verifiers")) has \(verifierValues.count) entries; at most \(maximumSignatures) are accepted")
        }
        var verifiers: [(content: String, material: PublicKeyMaterial)] = []
        for (k, value) in verifierValues.enumerated() {
            let field = "\(proposed.fieldPath("verifiers"))[\(k)]"
            guard case .string(let content) = value, !content.isEmpty else { throw .malformed("\(field) must be a non-empty string") }
            guard let pem = StrictBase64.decode(content) else { throw .malformed("\(field) is not valid base64") }
            let material = try PublicKeyMaterial(pemBytes: pem, field: field)
            verifiers.append((material.canonicalContent, material))
        }

        let pae = envelope.preAuthenticationEncoding
        var signatures: [Signature] = []
        for (k, envelopeSignature) in envelope.signatures.enumerated() {
            guard let verifier = verifiers.first(where: { $0.material.key.isValidSignature(envelopeSignature.signature, for: pae) }) else {
                throw EntryError(.invalidSignature, "envelope signature \(k) does not verify with any of the verifiers")
            }
            let content = StrictBase64.encode(envelopeSignature.signature)  // strict base64 is canonical: this is the text sent
            guard !signatures.contains(where: { $0.signatureContent.isExactly(content) }) else {
                throw .malformed("envelope signature \(k) repeats an earlier signature")
            }
            signatures.append(Signature(signature: envelopeSignature.signature, signatureContent: content,
                                        verifier: verifier.material, verifierContent: verifier.content))
        }
        let entry = DSSEV001(envelopeHash: Array(SHA256.hash(data: Array(envelopeText.utf8))),
                             payloadHash: Array(SHA256.hash(data: envelope.payload)),
                             signatures: signatures)
        return (entry, envelope)
    }

    /// Reads a stored body's `spec`. Checks structure and encodings, not signatures (the envelope
    /// is not stored).
    init(storedSpec spec: JSONFields) throws(EntryError) {
        try spec.rejectUnknown(["envelopeHash", "payloadHash", "signatures"])
        let envelope = try spec.hash("envelopeHash", allowed: [.sha256])
        let payload = try spec.hash("payloadHash", allowed: [.sha256])
        let list = try spec.array("signatures")
        guard !list.isEmpty else { throw .malformed("spec.signatures is empty") }
        var signatures: [Signature] = []
        for (k, value) in list.enumerated() {
            let fields = try JSONFields(value, path: "spec.signatures[\(k)]")
            try fields.rejectUnknown(["signature", "verifier"])
            let (signatureContent, signature) = try fields.base64("signature")
            let (verifierContent, pem) = try fields.base64("verifier")
            let verifier = try PublicKeyMaterial(pemBytes: pem, field: fields.fieldPath("verifier"))
            signatures.append(Signature(signature: signature, signatureContent: signatureContent,
                                        verifier: verifier, verifierContent: verifierContent))
        }
        self.init(envelopeHash: envelope.digest, payloadHash: payload.digest, signatures: signatures)
        guard self.signatures.map(\.signatureContent) == signatures.map(\.signatureContent) else {
            throw .malformed("spec.signatures are not sorted by signature")
        }
    }

    private init(envelopeHash: [UInt8], payloadHash: [UInt8], signatures: [Signature]) {
        self.envelopeHash = envelopeHash
        self.payloadHash = payloadHash
        self.signatures = signatures.sorted { $0.signatureContent.utf8.lexicographicallyPrecedes($1.signatureContent.utf8) }
    }

    /// The body as JSON.
    public var canonicalJSON: JSONValue {
        [
            "apiVersion": .string(Self.apiVersion),
            "kind": .string(Self.kind),
            "spec": [
                "envelopeHash": ["algorithm": "sha256", "value": .string(LowercaseHex.encode(envelopeHash))],
                "payloadHash": ["algorithm": "sha256", "value": .string(LowercaseHex.encode(payloadHash))],
                "signatures": .array(signatures.map { ["signature": .string($0.signatureContent), "verifier": .string($0.verifierContent)] }),
            ],
        ]
    }

    /// The canonicalized body (RFC 8785), as the log stores it.
    public var canonicalBody: [UInt8] { CanonicalJSON.encode(canonicalJSON) }

    /// `sha256:<payload hash>`, the verifiers' SANs and key fingerprints. In-toto subject digests
    /// need the payload, so only `RekorEntry.canonicalize` adds them.
    public var searchKeys: EntrySearchKeys {
        var keys = EntrySearchKeys(artifactHashes: ["sha256:\(LowercaseHex.encode(payloadHash))"])
        for signature in signatures {
            keys.merge(EntrySearchKeys(identities: signature.verifier.identities,
                                       publicKeyFingerprints: [signature.verifier.fingerprint]))
        }
        return keys
    }

    /// The proposal a client uploads for `envelope` (serialized as RFC 8785 JSON text) with the
    /// given verifiers (PEM text of keys or certificates).
    public static func proposedEntry(envelope: DSSEEnvelope, verifierPEMs: [String]) -> [UInt8] {
        let envelopeText = String(decoding: CanonicalJSON.encode(envelope.json), as: UTF8.self)
        let proposal: JSONValue = [
            "apiVersion": .string(apiVersion),
            "kind": .string(kind),
            "spec": ["proposedContent": [
                "envelope": .string(envelopeText),
                "verifiers": .array(verifierPEMs.map { .string(StrictBase64.encode(Array($0.utf8))) }),
            ]],
        ]
        return CanonicalJSON.encode(proposal)
    }
}
