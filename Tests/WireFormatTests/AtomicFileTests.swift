import Foundation
import Testing
import WireFormat

/// Where `AtomicFile` writes: a temporary sibling renamed over a regular file; for a path a user
/// named, through a symbolic link to the file it names and in place into what is not a regular file.
@Suite struct AtomicFileTests {
    let directory = NSTemporaryDirectory() + "atomic-file-\(UInt32.random(in: .min ... .max))"

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    @Test func aRegularFileIsReplacedWithThePermissionsAsked() throws {
        let path = directory + "/plain"
        try AtomicFile.write(Array("one".utf8), to: path, permissions: 0o644)
        try AtomicFile.write(Array("two".utf8), to: path, permissions: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write([1], to: path, permissions: 0o600, exclusive: true) }
    }

    @Test func aSymbolicLinkIsKeptAndItsTargetReplaced() throws {
        let target = directory + "/target", link = directory + "/link"
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try AtomicFile.write(Array("new".utf8), to: link, permissions: 0o644, namedByUser: true)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
        // A path inside a folder that may hold anything: the link itself is replaced, its target untouched.
        try AtomicFile.write(Array("inside".utf8), to: link, permissions: 0o644)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
    }

    @Test func aPipeIsWrittenInPlaceNotReplaced() async throws {
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader opens first (without blocking), so the writer's open finds it.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write(Array("through the pipe".utf8), to: fifo, permissions: 0o644, namedByUser: true)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "through the pipe")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "still a pipe")
    }

    @Test func aDirectoryIsRefused() {
        #expect {
            try AtomicFile.write([1], to: directory, permissions: 0o644, namedByUser: true)
        } throws: { error in
            (error as? AtomicFile.WriteError)?.description == "\(directory): is a directory"
        }
    }
}
