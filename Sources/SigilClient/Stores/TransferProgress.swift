import Foundation

/// Counts what a copy moved, for a progress line on a terminal. Updated from the transfer's task;
/// the reporter reads a snapshot.
public final class TransferProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var bytesDone: Int64 = 0
    private var blobsDone = 0
    private let report: @Sendable (_ bytes: Int64, _ blobs: Int) -> Void

    /// `report` is called after every change with the running totals.
    public init(report: @escaping @Sendable (_ bytes: Int64, _ blobs: Int) -> Void) {
        self.report = report
    }

    /// Bytes of a blob moved.
    public func add(bytes: Int64) {
        let snapshot = lock.withLock { () -> (Int64, Int) in bytesDone += bytes; return (bytesDone, blobsDone) }
        report(snapshot.0, snapshot.1)
    }

    /// A blob finished (moved, mounted or found already there).
    public func finishBlob() {
        let snapshot = lock.withLock { () -> (Int64, Int) in blobsDone += 1; return (bytesDone, blobsDone) }
        report(snapshot.0, snapshot.1)
    }

    public var totals: (bytes: Int64, blobs: Int) { lock.withLock { (bytesDone, blobsDone) } }
}
