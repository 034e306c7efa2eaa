import Foundation
import SigstoreKit
import TransparencyLog

/// The layout of a Sigil data folder. Private keys are written 0600 and never printed.
struct DataFolder {
    let root: URL

    init(path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    var logKey: URL { root.appendingPathComponent("keys/log-signing-key.pem") }
    var logPublicKey: URL { root.appendingPathComponent("log-public-key.pem") }
    var logDatabase: URL { root.appendingPathComponent("log.sqlite") }
    var logName: URL { root.appendingPathComponent("log-name") }

    var exists: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// Creates the folder with fresh keys and an empty log. Refuses if the folder already holds anything.
    func initialise(logName name: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: root.path),
           let contents = try? fm.contentsOfDirectory(atPath: root.path), !contents.isEmpty {
            throw ServerError("\(root.path) already exists and is not empty; refusing to overwrite it")
        }
        try fm.createDirectory(at: root.appendingPathComponent("keys"), withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        let key = SigningKey.generateP256()
        try Self.writeSecret(key.pemRepresentation, to: logKey)
        try key.verificationKey.pem.write(to: logPublicKey, atomically: true, encoding: .utf8)
        try (name + "\n").write(to: logName, atomically: true, encoding: .utf8)
        _ = try LogService.createStore(path: logDatabase.path, signingKey: key, name: name)
    }

    /// Writes a secret file readable only by its owner.
    static func writeSecret(_ text: String, to url: URL) throws {
        let fm = FileManager.default
        guard fm.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ServerError("could not write \(url.path)")
        }
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    /// Loads the log key, failing closed if it is missing.
    func loadLogKey() throws -> SigningKey {
        guard let text = try? String(contentsOf: logKey, encoding: .utf8) else {
            throw ServerError("no log signing key at \(logKey.path); run `sigil-server init --data \(root.path)` first")
        }
        do {
            return try SigningKey(pem: text)
        } catch {
            throw ServerError("\(logKey.path): \(error)")
        }
    }

    func loadLogName() -> String {
        (try? String(contentsOf: logName, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "sigil-log"
    }
}

/// A start-up or command failure, printed as one line.
struct ServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
