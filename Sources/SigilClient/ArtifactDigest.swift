import Crypto
import Foundation

/// The SHA-256 digest of an artifact, computed by streaming the file so large artifacts never sit
/// in memory. hashedrekord entries and ECDSA signatures need only this digest.
public struct ArtifactDigest: Sendable, Equatable {
    let digest: SHA256Digest

    /// The 32 digest bytes.
    public var bytes: [UInt8] { Array(digest) }

    public init(data: some DataProtocol) {
        digest = SHA256.hash(data: data)
    }

    /// Hashes the file at `path`; throws naming the path when it cannot be read.
    public init(fileAt path: String) throws(SigningError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SigningError(.artifact, "\(path): no such file")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw SigningError(.artifact, "\(path): cannot read the artifact")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw SigningError(.artifact, "\(path): read failed: \(error)")
        }
        digest = hasher.finalize()
    }
}
