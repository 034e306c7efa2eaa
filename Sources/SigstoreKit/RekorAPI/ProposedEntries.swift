import Foundation

/// Builds the bodies clients POST to `/api/v1/log/entries` (Rekor v1 proposed entries).
public enum ProposedEntries {
    /// A hashedrekord 0.0.1 entry: a signature over `digest`, made by the key in `publicKeyPEM`
    /// (a PEM certificate or PEM public key).
    public static func hashedRekord(signature: [UInt8], publicKeyPEM: String, digest: [UInt8],
                                    algorithm: HashAlgorithm = .sha256) -> [UInt8] {
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        let entry: JSONValue = .object([
            "apiVersion": .string("0.0.1"),
            "kind": .string("hashedrekord"),
            "spec": .object([
                "signature": .object([
                    "content": .string(Data(signature).base64EncodedString()),
                    "publicKey": .object(["content": .string(Data(publicKeyPEM.utf8).base64EncodedString())]),
                ]),
                "data": .object(["hash": .object(["algorithm": .string(algorithm.rawValue), "value": .string(hex)])]),
            ]),
        ])
        return CanonicalJSON.encode(entry)
    }
}
