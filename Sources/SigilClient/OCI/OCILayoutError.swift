import SigstoreKit
import WireFormat

/// Why a layout, a reference or a blob cannot be used. Every case names what was wrong; nothing
/// in the layout has been changed when one is thrown before a write.
public enum OCILayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The directory is not an OCI image layout (no `oci-layout`, a wrong version, no `index.json`).
    case notALayout(path: String, reason: String)
    /// A blob the layout refers to is not in `blobs/`.
    case missingBlob(OCIDigest)
    /// A blob's bytes do not hash to the digest it is stored under.
    case digestMismatch(expected: OCIDigest, actual: OCIDigest)
    /// A blob's length is not the size its descriptor states.
    case sizeMismatch(OCIDigest, expected: Int64, actual: Int64)
    /// No manifest in `index.json` carries this `org.opencontainers.image.ref.name`.
    case unknownTag(String, available: [String])
    /// Nothing reachable from `index.json` has this digest.
    case unknownDigest(OCIDigest)
    /// The reference does not say which of several images to use.
    case ambiguous(String)
    /// A reference that is not `DIR`, `DIR:tag` or `DIR@sha256:<hex>`.
    case badReference(String)
    /// A manifest, index or descriptor that breaks the image spec.
    case malformed(String)
    /// A write failed (the index is never left half-written).
    case writeFailed(String)

    public var description: String {
        switch self {
        case .notALayout(let path, let reason): "\(path) is not an OCI image layout: \(reason)"
        case .missingBlob(let digest): "blob \(digest) is missing from the layout"
        case .digestMismatch(let expected, let actual): "blob \(expected) is corrupt: its content hashes to \(actual)"
        case .sizeMismatch(let digest, let expected, let actual): "blob \(digest) is \(actual) bytes, its descriptor says \(expected)"
        case .unknownTag(let tag, let available):
            "no image is tagged \(JSONError.quoted(tag)) in the layout" + (available.isEmpty ? " (it has no tags)" : " (tags: \(available.joined(separator: ", ")))")
        case .unknownDigest(let digest): "nothing in the layout has digest \(digest)"
        case .ambiguous(let message): message
        case .badReference(let message): message
        case .malformed(let message): message
        case .writeFailed(let message): "could not update the layout: \(message)"
        }
    }
}
