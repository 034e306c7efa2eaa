import WireFormat

/// A `CreateEntry` request to a Rekor v2 log in either form the log accepts, and the entry it
/// becomes.
///
/// - `hashedRekordRequestV002`: a signature over an artifact digest (``HashedRekordV002``).
/// - `dsseRequestV002` (rekor-tiles v2.0–v2.2): `{"envelope": {"payload": b64, "payloadType": …,
///   "signatures": [{"sig": b64, "keyid": …}]}, "verifiers": [Verifier]}`. Sigil logs it as the
///   hashedrekord 0.0.2 a client would send for the same envelope (digest = the hash of its PAE,
///   signature = the DSSE signature), because Rekor v2.3 dropped dsse 0.0.2 entries and verifiers
///   such as sigstore-python 4.5.1 refuse them; the tree and bundles are identical either way. What
///   the envelope form adds is that the log sees the payload, so it indexes the payload hash and,
///   for in-toto statements, every subject's SHA-256 digest: an attestation is found by the file
///   it is about. One signature and one verifier, since one hashedrekord holds one of each.
public struct RekorV2EntryRequest: Sendable {
    /// Which form the client sent.
    public enum Form: Sendable, Equatable {
        /// `hashedRekordRequestV002`: the log sees a digest and its signature only.
        case hashedRekord
        /// `dsseRequestV002`: the envelope as sent (one signature).
        case dsse(DSSEEnvelope)
    }

    /// Which form the request had; the envelope, for the DSSE form.
    public let form: Form
    /// The entry the log stores: the same hashedrekord 0.0.2 for either form.
    public let entry: HashedRekordV002

    /// Reads and checks a request body strictly: every field, the key type, and the signature (over
    /// the digest, or over the envelope's PAE).
    public init(parsing bytes: some Collection<UInt8>) throws(EntryError) {
        let top = try Self.topLevel(bytes)
        try top.rejectUnknown(["hashedRekordRequestV002", "dsseRequestV002"])
        switch (top.has("hashedRekordRequestV002"), top.has("dsseRequestV002")) {
        case (true, false):
            entry = try HashedRekordV002(requestFields: try top.object("hashedRekordRequestV002"))
            form = .hashedRekord
        case (false, true):
            let (entry, envelope) = try Self.readDSSE(try top.object("dsseRequestV002"))
            self.entry = entry
            form = .dsse(envelope)
        case (true, true):
            throw .malformed("the request must hold hashedRekordRequestV002 or dsseRequestV002, not both")
        case (false, false):
            throw .malformed("the request must hold hashedRekordRequestV002 or dsseRequestV002")
        }
    }

    /// What the log indexes the entry under: the hashedrekord's keys (PAE digest, identities, key
    /// fingerprint) and, for an envelope, `sha256:` of its payload and of its in-toto subjects (at
    /// most ``InTotoStatement/maxIndexedSubjects``).
    public var searchKeys: EntrySearchKeys {
        var keys = entry.searchKeys
        if case .dsse(let envelope) = form {
            EntrySearchKeys.append(["sha256:\(LowercaseHex.encode(HashAlgorithm.sha256.digest(envelope.payload)))"], to: &keys.artifactHashes)
            if envelope.payloadType.isExactly(InTotoStatement.payloadType) {
                EntrySearchKeys.append(InTotoStatement.sha256SubjectDigests(payload: envelope.payload), to: &keys.artifactHashes)
            }
        }
        return keys
    }

    /// The `dsseRequestV002` a client posts for a one-signature `envelope`; `entry` is the
    /// hashedrekord over its PAE (it names the verifier and key type, and is what the log stores).
    public static func dsseRequestJSON(envelope: DSSEEnvelope, loggedAs entry: HashedRekordV002) -> JSONValue {
        let signatures: [JSONValue] = envelope.signatures.map { signature in
            ["sig": .string(StrictBase64.encode(signature.signature)), "keyid": .string(signature.keyID ?? "")]
        }
        return ["dsseRequestV002": [
            "envelope": [
                "payload": .string(StrictBase64.encode(envelope.payload)),
                "payloadType": .string(envelope.payloadType),
                "signatures": .array(signatures),
            ],
            "verifiers": [entry.verifierJSON],
        ]]
    }

    /// The top-level object of a request body.
    static func topLevel(_ bytes: some Collection<UInt8>) throws(EntryError) -> JSONFields {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw .malformed("the request is not JSON: \(error)") }
        return try JSONFields(json, path: "")
    }

    /// Reads `dsseRequestV002` (protobuf JSON: `bytes` in either base64 alphabet) and turns it into
    /// the hashedrekord over the PAE, whose construction verifies the signature.
    private static func readDSSE(_ request: JSONFields) throws(EntryError) -> (HashedRekordV002, DSSEEnvelope) {
        try request.rejectUnknown(["envelope", "verifiers"])
        let envelopeFields = try request.object("envelope")
        try envelopeFields.rejectUnknown(["payload", "payloadType", "signatures"])
        let payload = try envelopeFields.protoBytes("payload")
        let payloadType = try envelopeFields.nonEmptyString("payloadType")
        let signatureList = try envelopeFields.objects("signatures")
        let verifierList = try request.objects("verifiers")
        guard signatureList.count == 1, verifierList.count == 1 else {
            throw .malformed("dsseRequestV002 needs exactly one envelope signature and one verifier (it has \(signatureList.count) and \(verifierList.count)): the log records it as one hashedrekord 0.0.2")
        }
        let signatureFields = signatureList[0]
        try signatureFields.rejectUnknown(["sig", "keyid"])
        let signature = try signatureFields.protoBytes("sig")
        let keyID = try signatureFields.optionalString("keyid")
        let (verifier, details) = try HashedRekordV002.verifier(from: verifierList[0])
        let envelope = DSSEEnvelope(payloadType: payloadType, payload: payload,
                                    signatures: [DSSEEnvelope.Signature(keyID: keyID?.isEmpty == false ? keyID : nil, signature: signature)])
        let digest = details.hashAlgorithm.digest(envelope.preAuthenticationEncoding)
        let entry = try HashedRekordV002(digest: digest, signature: signature, verifier: verifier, keyDetails: details)
        do { try entry.verifySignature() } catch {
            let against = if case .x509Certificate = verifier { "the certificate's public key" } else { "the public key" }
            throw EntryError(.invalidSignature, "the envelope signature does not verify over its PAE with \(against)")
        }
        return (entry, envelope)
    }
}
