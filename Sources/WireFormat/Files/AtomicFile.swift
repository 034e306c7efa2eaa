import Foundation

/// Writes files so readers see either the old content or the complete new content: the bytes go
/// to a temporary sibling (created with the final permissions, so a secret is never readable by
/// others even briefly), are fsynced, and the sibling is renamed over the destination.
public enum AtomicFile {
    /// Why the file could not be written; names the path and the system's reason.
    public struct WriteError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// `exclusive` refuses to replace an existing file (for keys, which must never be clobbered).
    ///
    /// `namedByUser`: the path is one a person gave on the command line (`--bundle`), and is
    /// honoured as a shell would: a symbolic link is kept and the file it points to replaced, and
    /// what is not a regular file (a terminal, a pipe such as `/dev/stdout`, `/dev/null`) is
    /// written to in place, since renaming over it would replace the link or the device node.
    /// Otherwise (files inside a folder that may hold anything, such as an OCI layout) the path
    /// itself is replaced, so a link planted there cannot lead a write outside.
    public static func write(_ bytes: [UInt8], to requested: String, permissions: mode_t, exclusive: Bool = false,
                             namedByUser: Bool = false) throws(WriteError) {
        var path = requested
        if namedByUser, !exclusive {
            var target = stat()
            if stat(requested, &target) == 0, (target.st_mode & S_IFMT) != S_IFREG {
                guard (target.st_mode & S_IFMT) != S_IFDIR else { throw WriteError(description: "\(requested): is a directory") }
                try writeInPlace(bytes, to: requested)
                return
            }
            if let resolved = realpath(requested, nil) {
                path = String(cString: resolved)
                free(resolved)
            }
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: .min ... .max)).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, permissions)
        guard fd >= 0 else { throw WriteError(description: "\(requested): cannot create a file there (\(String(cString: strerror(errno))))") }
        var ok = fchmod(fd, permissions) == 0   // the umask must not widen or narrow what we asked for
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while ok, offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { ok = false } else { offset += n }
            }
        }
        if ok { ok = fsync(fd) == 0 }
        var reason = ok ? "" : String(cString: strerror(errno))
        close(fd)
        if ok {
            // link(2) fails if the destination exists, which makes the exclusive case race-free.
            ok = exclusive ? link(temporary, path) == 0 : rename(temporary, path) == 0
            if !ok { reason = String(cString: strerror(errno)) }
        }
        if exclusive || !ok { unlink(temporary) }
        guard ok else { throw WriteError(description: "\(requested): could not write (\(reason))") }
    }

    /// Writes into an existing file that is not a regular one, without creating or replacing it.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw WriteError(description: "\(path): cannot open it for writing (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { failure = n == 0 ? "nothing was written" : String(cString: strerror(errno)); return }
                offset += n
            }
        }
        if let failure { throw WriteError(description: "\(path): could not write (\(failure))") }
    }
}
