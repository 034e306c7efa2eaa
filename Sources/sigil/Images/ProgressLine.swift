import Foundation
import SigilClient
import Synchronization

/// The progress line of long transfers: bytes and blobs, redrawn at most ten times a second on
/// standard error when it is a terminal, and silent otherwise (logs and pipes get only the result).
enum ProgressLine {
    static let isTerminal = isatty(STDERR_FILENO) == 1

    /// A counter whose totals the result reports, drawing the line only on a terminal.
    static func counter() -> TransferProgress {
        let lastDrawn = Mutex<Date>(.distantPast)
        let terminal = isTerminal
        return TransferProgress { bytes, blobs in
            guard terminal else { return }
            let now = Date()
            guard lastDrawn.withLock({ last in
                guard now.timeIntervalSince(last) >= 0.1 else { return false }
                last = now
                return true
            }) else { return }
            draw(bytes: bytes, blobs: blobs)
        }
    }

    /// The final totals and a newline, so the result starts on its own line.
    static func finish(_ progress: TransferProgress) {
        guard isTerminal else { return }
        let totals = progress.totals
        draw(bytes: totals.bytes, blobs: totals.blobs)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private static func draw(bytes: Int64, blobs: Int) {
        let megabytes = String(format: "%.1f", Double(bytes) / 1_048_576)
        FileHandle.standardError.write(Data("\r\u{1B}[K  \(megabytes) MiB transferred, \(blobs) blob\(blobs == 1 ? "" : "s") done".utf8))
    }
}
