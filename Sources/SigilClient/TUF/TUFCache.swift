import Foundation
import SigstoreKit
import WireFormat

/// The verified metadata and targets of one TUF instance, kept under the user's data directory
/// (`$XDG_DATA_HOME/sigil/tuf/<instance URL, percent-encoded>/`, else `~/.local/share/…`). Every
/// file is replaced atomically, so a refresh that fails part-way leaves each file either the old
/// verified copy or the new verified one. An `instance` file records which URL the folder is for:
/// a folder copied from, or colliding with, another instance is refused rather than trusted.
public struct TUFCache: Sendable {
    public let instance: String
    public let directory: URL

    public init(instance: String, base: URL) {
        self.instance = instance
        directory = base.appendingPathComponent(Self.folderName(for: instance), isDirectory: true)
    }

    /// Where caches live unless told otherwise.
    public static func defaultBase(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appendingPathComponent("sigil/tuf", isDirectory: true)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/sigil/tuf", isDirectory: true)
    }

    /// The URL with every byte outside `[A-Za-z0-9._-]` percent-encoded, as sigstore-python names
    /// its cache folders: one folder per instance, and no path separators.
    static func folderName(for instance: String) -> String {
        var name = ""
        for byte in instance.utf8 {
            if byte.isASCIIAlphanumeric || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                name += String(format: "%%%02X", byte)
            }
        }
        return name
    }

    private var instanceFile: URL { directory.appendingPathComponent("instance") }
    func metadataFile(_ role: TUFRole) -> URL { directory.appendingPathComponent(role.fileName) }
    func targetFile(_ name: String) -> URL { directory.appendingPathComponent("targets", isDirectory: true).appendingPathComponent(name) }

    /// Fails unless the folder exists and was made for this instance.
    func checkOwnership() throws(TUFError) {
        guard let recorded = FileManager.default.contents(atPath: instanceFile.path) else {
            throw TUFError(.cache, "no trusted root for \(instance) (nothing at \(directory.path)); run `sigil trust-instance \(instance) root.json` first")
        }
        guard Array(recorded) == Array(instance.utf8) else {
            throw TUFError(.cache, "the cache at \(directory.path) belongs to the instance \(String(decoding: recorded, as: UTF8.self)), not \(instance); remove it and run `sigil trust-instance` again")
        }
    }

    func read(_ url: URL) -> [UInt8]? { FileManager.default.contents(atPath: url.path).map(Array.init) }

    func write(_ bytes: [UInt8], to url: URL) throws(TUFError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: url.path, permissions: 0o644)
        } catch {
            throw TUFError(.cache, "cannot write the TUF cache: \(error)")
        }
    }

    func remove(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// A new, empty cache for this instance beside the real one, for a bootstrap that replaces the
    /// real one only when it has succeeded (``replace(with:)``).
    func staging() throws(TUFError) -> TUFCache {
        let base = directory.deletingLastPathComponent()
        let staging = TUFCache(instance: instance, directory: base.appendingPathComponent(".staging-\(UInt32.random(in: .min ... .max))", isDirectory: true))
        do {
            try FileManager.default.createDirectory(at: staging.directory, withIntermediateDirectories: true)
        } catch {
            throw TUFError(.cache, "cannot create the TUF cache under \(base.path): \(error.localizedDescription)")
        }
        try staging.write(Array(instance.utf8), to: staging.instanceFile)
        return staging
    }

    /// Moves a completed staging cache into this one's place, in two renames.
    func replace(with staging: TUFCache) throws(TUFError) {
        let fm = FileManager.default
        let old = directory.deletingLastPathComponent().appendingPathComponent(".old-\(UInt32.random(in: .min ... .max))")
        let hadCache = fm.fileExists(atPath: directory.path)
        do {
            if hadCache { try fm.moveItem(at: directory, to: old) }
        } catch {
            throw TUFError(.cache, "cannot replace the TUF cache \(directory.path): \(error.localizedDescription)")
        }
        do {
            try fm.moveItem(at: staging.directory, to: directory)
        } catch {
            if hadCache { try? fm.moveItem(at: old, to: directory) }   // the previous cache, back in its place
            throw TUFError(.cache, "cannot move the new TUF cache into \(directory.path): \(error.localizedDescription)")
        }
        try? fm.removeItem(at: old)
    }

    private init(instance: String, directory: URL) {
        self.instance = instance
        self.directory = directory
    }
}
