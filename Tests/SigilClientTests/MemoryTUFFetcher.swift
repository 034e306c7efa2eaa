import Foundation
import SigilClient
import SigstoreKit

/// A repository's files served from memory, as `HTTPTUFFetcher` serves them from a server: nil for
/// a file that is not there, `tooLarge` past the updater's limit. Records what was asked, and with
/// which limit, so tests can check the updater bounds every download.
final class MemoryTUFFetcher: TUFFetcher, @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String: [UInt8]]
    private(set) var requests: [(path: String, maxLength: Int)] = []

    init(_ files: [String: [UInt8]]) { self.files = files }

    func replace(_ files: [String: [UInt8]]) { lock.withLock { self.files = files } }

    func fetch(_ path: String, maxLength: Int) async throws(TUFError) -> [UInt8]? {
        let bytes = lock.withLock { () -> [UInt8]? in
            requests.append((path, maxLength))
            return files[path]
        }
        if let bytes, bytes.count > maxLength { throw TUFError(.tooLarge, "\(path): more than the \(maxLength)-byte limit") }
        return bytes
    }

    var requestedPaths: [String] { lock.withLock { requests.map(\.path) } }
}
