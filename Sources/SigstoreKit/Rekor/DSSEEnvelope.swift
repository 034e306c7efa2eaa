import WireFormat

/// A DSSE envelope (secure-systems-lab/dsse `envelope.md`, protocol v1): a payload, its type and
/// one or more signatures over the pre-authentication encoding (PAE) of both.
///
/// JSON form: `{"payload": <base64>, "payloadType": <string>, "signatures": [{"keyid": <string,
/// optional>, "sig": <base64>}]}`. Base64 here is strict standard base64 with padding
/// (`StrictBase64`); unknown fields are rejected.
public struct DSSEEnvelope: Sendable, Equatable {
    /// One signature of an envelope.
    public struct Signature: Sendable, Equatable {
        /// The optional, unauthenticated key hint (`keyid`).
        public var keyID: String?
        /// The raw signature bytes (ECDSA: ASN.1 DER).
        public var signature: [UInt8]

        public init(keyID: String? = nil, signature: [UInt8]) {
            self.keyID = keyID
            self.signature = signature
        }
    }

    public var payloadType: String
    public var payload: [UInt8]
    public var signatures: [Signature]

    public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Parses the envelope's JSON text strictly; requires a non-empty payload type and payload and
    /// at least one signature.
    public init(parsing json: some Collection<UInt8>) throws(DSSEError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: json)
        } catch {
            throw DSSEError("envelope is not valid JSON: \(error)")
        }
        try self.init(json: value)
    }

    /// Reads an envelope already parsed as JSON.
    public init(json: JSONValue) throws(DSSEError) {
        guard case .object(let members) = json else { throw DSSEError("envelope must be a JSON object") }
        if let extra = members.keys.filter({ !["payload", "payloadType", "signatures"].contains($0) }).sorted().first {
            throw DSSEError("envelope has unknown field \(JSONError.quoted(extra))")
        }
        guard case .string(let type)? = members["payloadType"], !type.isEmpty else {
            throw DSSEError("envelope payloadType must be a non-empty string")
        }
        guard case .string(let payloadText)? = members["payload"], !payloadText.isEmpty else {
            throw DSSEError("envelope payload must be a non-empty string")
        }
        guard let payload = StrictBase64.decode(payloadText) else {
            throw DSSEError("envelope payload is not valid base64")
        }
        guard case .array(let list)? = members["signatures"], !list.isEmpty else {
            throw DSSEError("envelope signatures must be a non-empty array")
        }
        var signatures: [Signature] = []
        for (k, element) in list.enumerated() {
            guard case .object(let fields) = element else { throw DSSEError("envelope signature \(k) must be an object") }
            if let extra = fields.keys.filter({ $0 != "keyid" && $0 != "sig" }).sorted().first {
                throw DSSEError("envelope signature \(k) has unknown field \(JSONError.quoted(extra))")
            }
            var keyID: String?
            if let hint = fields["keyid"] {
                guard case .string(let s) = hint else { throw DSSEError("envelope signature \(k) keyid must be a string") }
                keyID = s
            }
            guard case .string(let sigText)? = fields["sig"], !sigText.isEmpty else {
                throw DSSEError("envelope signature \(k) sig must be a non-empty string")
            }
            guard let sig = StrictBase64.decode(sigText) else {
                throw DSSEError("envelope signature \(k) sig is not valid base64")
            }
            signatures.append(Signature(keyID: keyID, signature: sig))
        }
        self.init(payloadType: type, payload: payload, signatures: signatures)
    }

    /// The JSON form, with `keyid` only where one is set.
    public var json: JSONValue {
        .object([
            "payload": .string(StrictBase64.encode(payload)),
            "payloadType": .string(payloadType),
            "signatures": .array(signatures.map { signature in
                var fields: [String: JSONValue] = ["sig": .string(StrictBase64.encode(signature.signature))]
                if let keyID = signature.keyID { fields["keyid"] = .string(keyID) }
                return .object(fields)
            }),
        ])
    }

    /// The bytes every signature of this envelope signs.
    public var preAuthenticationEncoding: [UInt8] {
        Self.preAuthenticationEncoding(payloadType: payloadType, payload: payload)
    }

    /// DSSE v1 PAE: `"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload`, lengths being
    /// ASCII decimal byte counts (of the UTF-8 type).
    public static func preAuthenticationEncoding(payloadType: String, payload: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = Array("DSSEv1 \(payloadType.utf8.count) ".utf8)
        out += payloadType.utf8
        out += " \(payload.count) ".utf8
        out += payload
        return out
    }
}
