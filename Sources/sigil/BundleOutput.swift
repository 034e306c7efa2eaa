import Foundation

/// Checks a `--bundle` path before anything is signed or logged, so that a bundle that cannot be
/// written does not leave a log entry behind for nothing, and a bundle never replaces an input.
enum BundleOutput {
    /// Refuses a directory, and a path that names one of the command's own input files (the same
    /// file by device and inode, whatever the spelling): the bundle would be written over the file
    /// just signed, or over the predicate it describes, and the original would be gone.
    static func check(_ output: String, against inputs: [(what: String, path: String)]) throws {
        var written = stat()
        guard stat(output, &written) == 0 else { return }   // not there yet: nothing to overwrite
        if (written.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError("--bundle \(output) is a directory; name the file to write")
        }
        for input in inputs {
            var read = stat()
            if stat(input.path, &read) == 0, read.st_dev == written.st_dev, read.st_ino == written.st_ino {
                throw CLIError("--bundle \(output) is the \(input.what) (\(input.path)); the bundle would replace it. Choose another path")
            }
        }
    }
}
