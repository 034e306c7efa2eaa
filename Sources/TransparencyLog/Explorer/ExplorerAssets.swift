import Crypto
import Foundation
import WireFormat

/// The explorer's static files (HTML, CSS, JavaScript), shipped as the TransparencyLog target's
/// SwiftPM resources and read into memory once. No build step, CDN or network access: what is in
/// `Explorer/Assets` is what the browser gets.
public struct ExplorerAssets: Sendable {
    /// One file: its bytes, media type and a strong ETag (SHA-256 of the bytes).
    public struct File: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        public let etag: String
    }

    public let files: [String: File]

    /// The media type of each file the explorer ships; anything else in the folder is not served.
    static let mediaTypes = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
                             "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]

    /// Where SwiftPM puts the target's resource bundle: beside the executable (`swift build`, the
    /// Docker image) or the test bundle. Not `Bundle.module`, whose accessor stops the process when
    /// the bundle is missing; a log server without its explorer should still serve the log.
    static func assetFolders() -> [URL] {
        // An operator who installs the files elsewhere names their folder.
        if let folder = ProcessInfo.processInfo.environment["SIGIL_EXPLORER_ASSETS"] { return [URL(fileURLWithPath: folder)] }
        let bundleName = "Sigil_TransparencyLog.resources"
        var bases = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        bases += bases.map { $0.deletingLastPathComponent() }
        return bases.map { $0.appendingPathComponent(bundleName).appendingPathComponent("Assets") }
    }

    /// Reads the files of the first asset folder found; nil when none is installed.
    public static func load() -> ExplorerAssets? {
        for folder in assetFolders() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            var files: [String: File] = [:]
            for name in names {
                guard let type = mediaTypes[(name as NSString).pathExtension],
                      let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                let digest = LowercaseHex.encode(Array(SHA256.hash(data: data)))
                files[name] = File(bytes: Array(data), contentType: type, etag: "\"\(digest.prefix(32))\"")
            }
            if files["index.html"] != nil { return ExplorerAssets(files: files) }
        }
        return nil
    }

    /// Total bytes of every file served (the budget: 150 KB).
    public var totalBytes: Int { files.values.reduce(0) { $0 + $1.bytes.count } }
}
