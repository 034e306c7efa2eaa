import Foundation
import SigstoreKit
import TransparencyLog

/// The layout of a Sigil data folder. Private keys live in `keys/` (0700), each file 0600, and are
/// never printed. Public material (certificates, public keys, trust files) sits beside them.
struct DataFolder {
    let root: URL

    init(path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    func file(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    // Transparency log and CT log.
    var logKey: URL { file("keys/log-signing-key.pem") }
    var logPublicKey: URL { file("log-public-key.pem") }
    var logDatabase: URL { file("log.sqlite") }
    var logName: URL { file("log-name") }
    var ctKey: URL { file("keys/ct-signing-key.pem") }
    var ctPublicKey: URL { file("ct-public-key.pem") }
    var ctDatabase: URL { file("ct.sqlite") }
    // Rekor v2 log (its own tree and Ed25519 key, served under `RekorV2Log.basePath`).
    var rekorV2Key: URL { file("keys/rekor-v2-signing-key.pem") }
    var rekorV2PublicKey: URL { file("rekor-v2-public-key.pem") }
    var rekorV2Database: URL { file("rekor-v2.sqlite") }
    // Certificate authority.
    var caRootKey: URL { file("keys/ca-root-key.pem") }
    var caIntermediateKey: URL { file("keys/ca-intermediate-key.pem") }
    var caRoot: URL { file("ca/root.pem") }
    var caIntermediate: URL { file("ca/intermediate.pem") }
    var caIssuers: URL { file("ca/issuers.json") }
    var caProfile: URL { file("ca/certificate-profile.json") }
    // Development OIDC issuer.
    var oidcRS256Key: URL { file("keys/oidc-rs256-key.pem") }
    var oidcES256Key: URL { file("keys/oidc-es256-key.pem") }
    // Timestamp authority: only the leaf's key is kept; the chain is leaf, intermediate, root.
    var tsaKey: URL { file("keys/tsa-signing-key.pem") }
    var tsaChain: URL { file("tsa/chain.pem") }
    var tsaRetired: URL { file("tsa/retired") }
    /// Folders initialised before the TSA existed have no TSA key; `all` runs without a TSA then.
    var hasTSA: Bool { FileManager.default.fileExists(atPath: tsaKey.path) }
    // Trust files for clients.
    var trustedRoot: URL { file("trusted_root.json") }
    var signingConfig: URL { file("signing_config.json") }
    var trustConfig: URL { file("trust_config.json") }
    // TUF repository (the trust files for `--instance` clients): roles file, public keys and the
    // published repository under tuf/, its private keys under keys/tuf/.
    var tufDirectory: URL { file("tuf") }
    var tufKeys: URL { file("keys/tuf") }
    func tufRepository(extraKeys: [SigningKey] = []) -> TUFRepository {
        TUFRepository(directory: tufDirectory, privateKeys: tufKeys, extraKeys: extraKeys)
    }
    /// Folders initialised before TUF existed have none; `sigil-server tuf init` adds it.
    var hasTUF: Bool { tufRepository().exists }

    /// What the TUF repository publishes: the trusted root and the signing config, under the names
    /// Sigstore clients require.
    func tufTargets() throws -> [String: [UInt8]] {
        ["trusted_root.json": Array(try Data(contentsOf: trustedRoot)),
         "signing_config.v0.2.json": Array(try Data(contentsOf: signingConfig))]
    }

    // Server settings, one file per server (`log`, `ca`, `oidc`, `tsa`).
    func serverConfig(_ server: String) -> URL { file("config/\(server).json") }

    var isInitialised: Bool { FileManager.default.fileExists(atPath: logDatabase.path) }

    /// Reads a file the servers need, failing closed with the file named.
    func read(_ url: URL, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else {
            guard FileManager.default.fileExists(atPath: root.path) else {
                throw ServerError("\(what) is missing at \(url.path); run `sigil-server init --data \(root.path)` first")
            }
            throw ServerError("\(what) is missing at \(url.path); restore it, or create a new data folder with `sigil-server init --data NEW`")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            let reason = access(url.path, R_OK) == 0 ? "it is not UTF-8 text" : "permission denied for uid \(getuid())"
            throw ServerError("\(what) at \(url.path) cannot be read: \(reason)")
        }
        return text
    }

    /// Writes a secret file readable only by its owner.
    static func writeSecret(_ text: String, to url: URL) throws {
        let fm = FileManager.default
        guard fm.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ServerError("could not write \(url.path)")
        }
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    static func writePublic(_ text: String, to url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func loadLogKey() throws -> SigningKey {
        do { return try SigningKey(pem: try read(logKey, what: "the log signing key")) } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("\(logKey.path): \(error)")
        }
    }

    func loadRekorV2Key() throws -> SigningKey {
        do { return try SigningKey(pem: try read(rekorV2Key, what: "the Rekor v2 log signing key")) } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("\(rekorV2Key.path): \(error)")
        }
    }

    func loadCTKey() throws -> SigningKey {
        do { return try SigningKey(pem: try read(ctKey, what: "the CT log signing key")) } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("\(ctKey.path): \(error)")
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
