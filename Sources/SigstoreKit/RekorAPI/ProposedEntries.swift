import Foundation
import WireFormat

/// Builds the bodies clients POST to `/api/v1/log/entries` (Rekor v1 proposed entries).
public enum ProposedEntries {
    /// A hashedrekord 0.0.1 entry: a signature over `digest`, made by the key in `publicKeyPEM`
    /// (a PEM certificate or PEM public key).
    public static func hashedRekord(signature: [UInt8], publicKeyPEM: String, digest: [UInt8],
                                    algorithm: HashAlgorithm = .sha256) -> [UInt8] {
        let hex = LowercaseHex.encode(digest)
        let entry: JSONValue = .object([
            "apiVersion": .string("0.0.1"),
            "kind": .string("hashedrekord"),
            "spec": .object([
                "signature": .object([
                    "content": .string(StrictBase64.encode(signature)),
                    "publicKey": .object(["content": .string(StrictBase64.encode(Array(publicKeyPEM.utf8)))]),
                ]),
                "data": .object(["hash": .object(["algorithm": .string(algorithm.rawValue), "value": .string(hex)])]),
            ]),
        ])
        return CanonicalJSON.encode(entry)
    }
}
