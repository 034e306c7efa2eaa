// OCI image layouts in SigilClient
//
// OCI image-spec v1.1: `image-layout.md` (the `oci-layout` file, `index.json`, `blobs/<alg>/<hex>`),
// `descriptor.md` (digests, sizes, the empty descriptor), `manifest.md` (image manifests with
// `artifactType` and `subject`: OCI 1.1 referrers), `image-index.md`, `annotations.md`. Types:
// `OCIDigest`, `OCIDescriptor`, `OCIManifest`, `OCIIndex`, `OCIImageLayout` (reads, verifying the
// digest of every blob read, and appends manifests atomically), `OCIReference` (`DIR`, `DIR:tag`,
// `DIR@sha256:…`). These files do file I/O and hashing only: no networking.

import Crypto
import Foundation
import SigstoreKit
import WireFormat

/// A content digest, `<algorithm>:<encoded>` (OCI `descriptor.md` §Digests). Only the registered
/// algorithms `sha256` (64 lowercase hex) and `sha512` (128) are accepted, as the spec requires
/// of implementations that verify.
public struct OCIDigest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let algorithm: String
    public let hex: String

    public init?(_ text: String) {
        // Split and compared on bytes: a `Character` search misses `:` followed by a combining mark.
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let algorithm = String(decoding: text.utf8[..<colon], as: UTF8.self)
        let hex = String(decoding: text.utf8[text.utf8.index(after: colon)...], as: UTF8.self)
        let length = algorithm.isExactly("sha256") ? 64 : algorithm.isExactly("sha512") ? 128 : 0
        guard length > 0, hex.utf8.count == length, LowercaseHex.decode(hex) != nil else { return nil }
        self.algorithm = algorithm
        self.hex = hex
    }

    /// The SHA-256 digest of `bytes`.
    public static func sha256(of bytes: some DataProtocol) -> OCIDigest {
        OCIDigest("sha256:" + LowercaseHex.encode(SHA256.hash(data: bytes)))!
    }

    /// The digest of `bytes` with `algorithm` (`sha512`, else SHA-256).
    static func computed(over bytes: [UInt8], algorithm: String) -> OCIDigest {
        algorithm.isExactly("sha512") ? OCIDigest("sha512:" + LowercaseHex.encode(SHA512.hash(data: bytes)))! : sha256(of: bytes)
    }

    /// The digest of `bytes` with this digest's algorithm.
    func computed(over bytes: [UInt8]) -> OCIDigest { Self.computed(over: bytes, algorithm: algorithm) }

    /// A streaming hash with this digest's algorithm, for blobs too large to hold in memory.
    func hasher() -> StreamingDigest { StreamingDigest(algorithm: algorithm) }

    /// The raw digest bytes.
    public var bytes: [UInt8] { LowercaseHex.decode(hex)! }

    /// `blobs/<algorithm>/<hex>`, relative to the layout's root.
    public var blobPath: String { "blobs/\(algorithm)/\(hex)" }

    public var description: String { "\(algorithm):\(hex)" }

    /// A short form for people: `sha256:0123456789ab`.
    public var short: String { "\(algorithm):\(hex.prefix(12))" }

    public static func < (a: OCIDigest, b: OCIDigest) -> Bool { a.description.utf8.lexicographicallyPrecedes(b.description.utf8) }

    // Spelled out rather than synthesized: a digest is compared as bytes, never by `String ==`.
    public static func == (a: OCIDigest, b: OCIDigest) -> Bool { a.algorithm.isExactly(b.algorithm) && a.hex.isExactly(b.hex) }
    public func hash(into hasher: inout Hasher) { hasher.combine(ExactString(description)) }
}

/// SHA-256 or SHA-512 over a stream of chunks, ending in an `OCIDigest`.
struct StreamingDigest {
    private var sha256: SHA256?
    private var sha512: SHA512?

    init(algorithm: String) {
        if algorithm.isExactly("sha512") { sha512 = SHA512() } else { sha256 = SHA256() }
    }

    mutating func update(_ chunk: some DataProtocol) {
        sha256?.update(data: chunk)
        sha512?.update(data: chunk)
    }

    func finalize() -> OCIDigest {
        if let sha512 { return OCIDigest("sha512:" + LowercaseHex.encode(sha512.finalize()))! }
        return OCIDigest("sha256:" + LowercaseHex.encode(sha256!.finalize()))!
    }
}
