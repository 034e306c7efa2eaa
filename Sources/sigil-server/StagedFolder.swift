import Foundation
import ServerSupport
import SigstoreKit
import WireFormat

/// Builds a folder where nobody looks for it and moves it into place at the end, so that the path
/// users and servers look at holds either nothing or the whole folder, never a half-written one
/// (`init` generates keys and databases for seconds; an error or a crash part-way used to leave a
/// folder that was neither empty nor usable).
enum StagedFolder {
    /// The staging folder inside an existing empty target. A crash leaves it behind; the next
    /// build in that target, finding nothing else there, clears it.
    static let stagingName = ".sigil-init-staging"

    /// Creates `target` by calling `fill` on an empty staging folder, then moving that into place.
    /// `target` must not exist or be an empty folder. `last` names entries that mark the folder as
    /// complete (`DataFolder.isInitialised`); they are moved after everything else.
    static func build(at target: URL, last: [String], _ fill: (URL) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ServerError("\(target.path) exists and is not a folder; refusing to overwrite it") }
            try buildInside(target, last: last, fill)
        } else {
            try buildBeside(target, fill)
        }
    }

    /// A new folder: staged as a hidden sibling and renamed into place, which is atomic.
    private static func buildBeside(_ target: URL, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).init-\(UUID().uuidString.prefix(8))")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw ServerError("cannot create the data folder \(target.path): \(FileErrorReason.describe(error))")
        }
        do {
            try fill(staging)
            // rename(2) replaces the target only if it is (by now) an empty folder.
            guard rename(staging.path, target.path) == 0 else {
                throw ServerError("cannot move the new data folder into place at \(target.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// An existing empty folder, typically a volume's mount point: it cannot be replaced and its
    /// parent may not be writable, so the folder is staged inside it and its entries moved up, the
    /// marker last. Only a crash during those renames (milliseconds, against the seconds of key
    /// generation) can leave part of a folder; the next `init` then refuses it as not empty.
    private static func buildInside(_ target: URL, last: [String], _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let lock = try ScopedLock(target)
        defer { lock.release() }
        let present = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
        guard present.allSatisfy({ $0.isExactly(stagingName) }) else {
            throw ServerError("\(target.path) already exists and is not empty; refusing to overwrite it")
        }
        let staging = target.appendingPathComponent(stagingName)
        do {
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            try fill(staging)
            let entries = try fm.contentsOfDirectory(atPath: staging.path)
            for entry in entries.filter({ !last.containsExactly($0) }) + last.filter({ entries.containsExactly($0) }) {
                try fm.moveItem(at: staging.appendingPathComponent(entry), to: target.appendingPathComponent(entry))
            }
            try fm.removeItem(at: staging)
        } catch {
            // The folder was empty and is locked: everything in it now is this build's.
            for entry in (try? fm.contentsOfDirectory(atPath: target.path)) ?? [] {
                try? fm.removeItem(at: target.appendingPathComponent(entry))
            }
            throw error
        }
    }

    /// An exclusive `flock` on a folder for the length of one build, so two `init`s cannot fill
    /// (or clean up) the same empty folder at once. Released explicitly: `all` locks the data
    /// folder again for the log right after, and a second lock held by this process would refuse it.
    private struct ScopedLock {
        let descriptor: Int32

        init(_ directory: URL) throws {
            descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
            guard descriptor >= 0 else { throw ServerError("\(directory.path) cannot be opened: \(String(cString: strerror(errno)))") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                throw ServerError("\(directory.path) is in use by another process; refusing to initialise it")
            }
        }

        func release() { close(descriptor) }
    }
}
