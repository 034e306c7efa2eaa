import Foundation
import SigstoreKit
import WireFormat

/// The TUF keys of a repository, by name: private keys in `keys/tuf/<name>.pem` (0600, PKCS#8
/// P-256) and their public halves in `tuf/public-keys/<name>.pem`. The public half is what a new
/// root lists, so a private key can be moved offline and still be named in roots; it signs only
/// when present, or when the operator brings it for one command (`extraKeys`, from `--tuf-key`).
public struct TUFKeyFiles: Sendable {
    public let privateDirectory: URL
    public let publicDirectory: URL
    /// Keys given for this command only, never copied to disk.
    public var extraKeys: [SigningKey]

    public init(privateDirectory: URL, publicDirectory: URL, extraKeys: [SigningKey] = []) {
        self.privateDirectory = privateDirectory
        self.publicDirectory = publicDirectory
        self.extraKeys = extraKeys
    }

    public func privateFile(_ name: String) -> URL { privateDirectory.appendingPathComponent(name + ".pem") }
    public func publicFile(_ name: String) -> URL { publicDirectory.appendingPathComponent(name + ".pem") }

    /// The private key stored under `name`, or nil if it is not on this machine.
    public func privateKey(named name: String) throws(TUFError) -> SigningKey? {
        guard let data = FileManager.default.contents(atPath: privateFile(name).path) else { return nil }
        return try Self.signingKey(pem: data, file: privateFile(name).path)
    }

    /// The public key named `name`, or nil if neither half is here.
    public func publicKey(named name: String) throws(TUFError) -> VerificationKey? {
        if let data = FileManager.default.contents(atPath: publicFile(name).path) {
            guard let key = try? VerificationKey(pem: String(decoding: data, as: UTF8.self)), key.kind == .ecdsaP256 else {
                throw TUFError(.storage, "\(publicFile(name).path): not a PEM ECDSA P-256 public key (TUF keys here are P-256)")
            }
            return key
        }
        return try privateKey(named: name)?.verificationKey
    }

    /// Every private key at hand: those stored under `names` and the extra ones.
    public func signingKeys(names: [String]) throws(TUFError) -> [SigningKey] {
        var keys: [SigningKey] = []
        for name in names { if let key = try privateKey(named: name) { keys.append(key) } }
        return keys + extraKeys
    }

    /// A TUF signing key from PEM: ECDSA P-256 only, the one key type the repository signs with.
    public static func signingKey(pem data: Data, file: String) throws(TUFError) -> SigningKey {
        guard let key = try? SigningKey(pem: String(decoding: data, as: UTF8.self)), key.verificationKey.kind == .ecdsaP256 else {
            throw TUFError(.storage, "\(file): not a PEM ECDSA P-256 private key (TUF keys here are P-256)")
        }
        return key
    }

    /// Stores `key` under `name`: a previous private key moves to `keys/tuf/retired/` (kept: the
    /// operator decides when an old root key is destroyed), then both halves are written.
    public func install(_ key: SigningKey, as name: String) throws(TUFError) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: privateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.createDirectory(at: publicDirectory, withIntermediateDirectories: true)
            if fm.fileExists(atPath: privateFile(name).path) {
                let retired = privateDirectory.appendingPathComponent("retired", isDirectory: true)
                try fm.createDirectory(at: retired, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let stamp = "\(Int(Date().timeIntervalSince1970))-\(UInt16.random(in: .min ... .max))"
                try fm.moveItem(at: privateFile(name), to: retired.appendingPathComponent("\(name)-\(stamp).pem"))
            }
            try AtomicFile.write(Array(key.pemRepresentation.utf8), to: privateFile(name).path, permissions: 0o600, exclusive: true)
            try AtomicFile.write(Array(key.verificationKey.pem.utf8), to: publicFile(name).path, permissions: 0o644)
        } catch let error as TUFError {
            throw error
        } catch {
            throw TUFError(.storage, "cannot write the TUF key \(name): \(error)")
        }
    }
}
