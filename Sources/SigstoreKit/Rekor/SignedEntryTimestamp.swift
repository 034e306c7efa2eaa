import WireFormat

/// The signed entry timestamp (SET, a bundle's "inclusion promise") of a Rekor v1 entry: the
/// log's signature over RFC 8785 JSON of exactly four fields (sigstore/rekor pkg/api/entries.go;
/// sigstore-go pkg/tlog/entry.go `VerifySET`):
/// `{"body":<standard padded base64 of the body>,"integratedTime":<unix seconds>,"logID":<lowercase
/// hex SHA-256 of the log key's DER SPKI>,"logIndex":<global index>}`.
public enum SignedEntryTimestamp {
    /// The bytes the log signs.
    public static func payload(body: [UInt8], integratedTime: Int64, logID: [UInt8], logIndex: Int64) -> [UInt8] {
        CanonicalJSON.encode([
            "body": .string(StrictBase64.encode(body)),
            "integratedTime": .integer(integratedTime),
            "logID": .string(LowercaseHex.encode(logID)),
            "logIndex": .integer(logIndex),
        ])
    }

    /// Whether `signature` is `key`'s signature over the payload of these values (ECDSA over the
    /// key's default hash, Ed25519 over the raw payload).
    public static func isValid(signature: [UInt8], body: [UInt8], integratedTime: Int64, logID: [UInt8],
                               logIndex: Int64, key: VerificationKey) -> Bool {
        key.isValidSignature(signature, for: payload(body: body, integratedTime: integratedTime, logID: logID, logIndex: logIndex))
    }
}
