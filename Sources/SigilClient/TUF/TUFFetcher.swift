import SigstoreKit

/// Where the updater gets repository files from: paths relative to the instance URL
/// (`2.root.json`, `timestamp.json`, `targets/<sha256>.trusted_root.json`).
public protocol TUFFetcher: Sendable {
    /// The file's bytes, or nil if the repository does not have it (HTTP 404 or 403, which ends a
    /// root chain). Refuses more than `maxLength` bytes.
    func fetch(_ path: String, maxLength: Int) async throws(TUFError) -> [UInt8]?
}
