import Foundation
import Synchronization

/// Exclusive `flock`s on parts of a data folder, held until the process exits, so that two log
/// servers never append to one database and a key rotation never runs under a live server. The
/// log locks the folder itself, the CA its `ca/` directory; directories are locked rather than
/// lock files so that a read-only mount (the CA's, in docker-compose) can be locked too.
enum DataFolderLock {
    private static let held = Mutex<[Int32]>([])

    /// Locks `directory` for `holder` (e.g. "sigil-server log"), or fails naming who must stop first.
    static func acquire(_ directory: URL, holder: String) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else {
            throw ServerError("\(directory.path) cannot be opened: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(descriptor)
            throw ServerError(busy
                ? "\(directory.path) is in use by another process (a running \(holder) or a key rotation); stop it first"
                : "\(directory.path) cannot be locked: \(String(cString: strerror(errno)))")
        }
        held.withLock { $0.append(descriptor) }
    }
}
