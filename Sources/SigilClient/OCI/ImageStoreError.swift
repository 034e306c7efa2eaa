import SigstoreKit
import WireFormat

/// Why an image store (a layout on disk or a registry), a reference or a blob cannot be used.
/// Every case names what was wrong; nothing in the store has been changed when one is thrown
/// before a write, and no case ever carries a credential or token.
public enum ImageStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The directory is not an OCI image layout (no `oci-layout`, a wrong version, no `index.json`).
    case notALayout(path: String, reason: String)
    /// A blob or manifest the image refers to is not in the store.
    case missingBlob(OCIDigest)
    /// A blob's bytes do not hash to the digest it is stored under.
    case digestMismatch(expected: OCIDigest, actual: OCIDigest)
    /// A blob's length is not the size its descriptor states.
    case sizeMismatch(OCIDigest, expected: Int64, actual: Int64)
    /// No manifest carries this tag.
    case unknownTag(String, available: [String])
    /// Nothing reachable has this digest.
    case unknownDigest(OCIDigest)
    /// The reference does not say which of several images to use.
    case ambiguous(String)
    /// A reference that is not a layout (`DIR`, `DIR:tag`, `DIR@sha256:<hex>`) or a registry
    /// reference (`HOST[:PORT]/REPO[:TAG][@DIGEST]`).
    case badReference(String)
    /// A manifest, index or descriptor that breaks the image spec.
    case malformed(String)
    /// A write failed (a layout's index is never left half-written).
    case writeFailed(String)
    /// The registry refused the credentials (401) or the requested access (403).
    case unauthorized(String)
    /// The registry could not be reached, or answered something the distribution spec does not allow.
    case registry(String)

    public var description: String {
        switch self {
        case .notALayout(let path, let reason): "\(path) is not an OCI image layout: \(reason)"
        case .missingBlob(let digest): "blob \(digest) is missing"
        case .digestMismatch(let expected, let actual): "blob \(expected) is corrupt: its content hashes to \(actual)"
        case .sizeMismatch(let digest, let expected, let actual): "blob \(digest) is \(actual) bytes, its descriptor says \(expected)"
        case .unknownTag(let tag, let available):
            "no image is tagged \(JSONError.quoted(tag))" + (available.isEmpty ? "" : " (tags: \(available.joined(separator: ", ")))")
        case .unknownDigest(let digest): "nothing has digest \(digest)"
        case .ambiguous(let message): message
        case .badReference(let message): message
        case .malformed(let message): message
        case .writeFailed(let message): "could not write: \(message)"
        case .unauthorized(let message): message
        case .registry(let message): message
        }
    }
}
