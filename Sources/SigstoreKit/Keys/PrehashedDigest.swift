import Crypto
import Foundation

/// A digest computed elsewhere (a hashedrekord entry carries only the artifact's digest), wrapped so
/// swift-crypto's ECDSA "verify over digest" entry points accept it.
struct PrehashedDigest: Digest {
    /// Not the size of any one value: `Digest` wants one size per type, but this type carries 32,
    /// 48 or 64 bytes (SHA-256, -384, -512), so it reports the largest. ECDSA never reads it; it
    /// takes the digest's real bytes through `withUnsafeBytes`, whatever their count.
    static var byteCount: Int { 64 }
    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
}

extension PrehashedDigest {
    /// A genuine swift-crypto digest value holding `bytes`, for APIs (RSA PKCS#1) that look at the
    /// digest's type to learn the hash algorithm. Returns nil if the length does not match.
    static func typed<D: Digest>(_ type: D.Type, _ bytes: [UInt8]) -> D? {
        guard bytes.count == D.byteCount, MemoryLayout<D>.size == D.byteCount else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: D.self) }
    }
}
