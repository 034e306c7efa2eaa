import CertificateAuthority
import Foundation
import OIDCIssuer
import ServerSupport
import SigstoreKit
import TimestampAuthority
import TransparencyLog
import WireFormat

/// Creates a data folder: every key, the CA certificates, the two log databases, the trust files
/// clients need (trusted root, signing config, and the ClientTrustConfig combining them) and the
/// servers' settings. The folder is built where nobody looks for it and moved into place whole
/// (`StagedFolder`), so a failure or crash part-way leaves no half-written data folder.
struct Initialiser {
    let folder: DataFolder
    /// Where the checked-in CA configuration (`issuers.json`, `certificate-profile.json`) is read from.
    let caConfiguration: URL
    let endpoints: Endpoints
    /// The TUF roles file (``TUFSettingsFile``).
    var tufSettings: [UInt8] = ReadableJSON.encode(TUFRoleSettings.standard.json)

    /// Where the servers listen, as clients will be told in the trust files.
    struct Endpoints {
        var oidc = "http://127.0.0.1:5556"
        var ca = "http://127.0.0.1:5555"
        var log = "http://127.0.0.1:3000"
        /// The timestamp authority's base URL; the trusted root names `<tsa>/api/v1/timestamp`.
        var tsa = "http://127.0.0.1:5557"
        /// The ports the servers listen on, written into `config/*.json`.
        var ports = Ports()
    }

    /// A port per server.
    struct Ports {
        var oidc = OIDCSettings.defaultPort
        var ca = CASettings.defaultPort
        var log = LogSettings.defaultPort
        var tsa = TSASettings.defaultPort

        /// Where servers must listen for clients given these URLs to reach them: the port of a
        /// loopback URL, else the server's default (a public URL is usually a proxy's).
        static func serving(oidc: String, ca: String, log: String, tsa: String) -> Ports {
            func port(_ url: String, _ standard: Int) -> Int {
                guard let url = ServiceURL(url), url.isLoopback else { return standard }
                return url.port
            }
            let defaults = Ports()
            return Ports(oidc: port(oidc, defaults.oidc), ca: port(ca, defaults.ca), log: port(log, defaults.log),
                         tsa: port(tsa, defaults.tsa))
        }
    }

    /// The checked-in CA configuration, read and checked before anything is created.
    private struct CAInputs {
        let issuers: JSONValue
        let profileFile: URL
        let profile: CertificateProfile
    }

    func run(logName: String) throws {
        let inputs = try readCAConfiguration()
        try StagedFolder.build(at: folder.root, last: [folder.logDatabase.lastPathComponent]) { staging in
            let staged = DataFolder(path: staging.path)
            try createLayout(staged)
            try writeCAConfiguration(inputs, to: staged)
            let (logKey, ctKey) = try writeLogKeys(staged, logName: logName)
            let rekorV2Key = try writeRekorV2Key(staged)
            let ca = try writeCAKeys(staged, profile: inputs.profile)
            try writeOIDCKeys(staged)
            let tsa = try writeTSAKeys(staged)
            _ = try LogService.createStore(path: staged.logDatabase.path, signingKey: logKey, name: logName)
            _ = try CTLogService.createStore(path: staged.ctDatabase.path, signingKey: ctKey, name: logName + "/ct")
            let rekorV2 = try TrustFiles.RekorV2Endpoint(logURL: endpoints.log, key: rekorV2Key.verificationKey)
            _ = try RekorV2Log.createStore(path: staged.rekorV2Database.path, signingKey: rekorV2Key, origin: rekorV2.origin)
            try writeTrustFiles(staged, trust: TrustFiles(endpoints: endpoints, logKey: logKey.verificationKey,
                                                          ctKey: ctKey.verificationKey, rekorV2: rekorV2,
                                                          ca: ca.material, tsa: tsa, profile: inputs.profile))
            try writeServerSettings(staged)
            try createTUFRepository(staged)
        }
    }

    /// Reads `issuers.json` and `certificate-profile.json`, refusing with the file named.
    private func readCAConfiguration() throws -> CAInputs {
        let issuersFile = caConfiguration.appendingPathComponent("issuers.json")
        let profileFile = caConfiguration.appendingPathComponent("certificate-profile.json")
        func refusal(_ file: URL, _ error: any Error) -> ServerError {
            ServerError("--ca-config \(caConfiguration.path): \(file.lastPathComponent): \(FileErrorReason.describe(error)) "
                        + "(the folder must hold issuers.json and certificate-profile.json; see ca/README.md)")
        }
        let issuers: JSONValue
        do {
            // Read once: the file checked is the file copied.
            let bytes = Array(try Data(contentsOf: issuersFile))
            _ = try IssuerPool(configurationJSON: bytes)
            issuers = try JSONValue(parsing: bytes)
        } catch { throw refusal(issuersFile, error) }
        do {
            return CAInputs(issuers: issuers, profileFile: profileFile, profile: try CertificateProfile(file: profileFile.path))
        } catch { throw refusal(profileFile, error) }
    }

    private func createLayout(_ staged: DataFolder) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: staged.file("keys"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(at: staged.file("ca"), withIntermediateDirectories: true)
        try fm.createDirectory(at: staged.file("config"), withIntermediateDirectories: true)
        try fm.createDirectory(at: staged.file("tsa"), withIntermediateDirectories: true)
    }

    /// The issuer list, trusting the development issuer where this folder's lives, and the profile.
    private func writeCAConfiguration(_ inputs: CAInputs, to staged: DataFolder) throws {
        let issuers = IssuerList.retargeted(inputs.issuers, developmentIssuer: Endpoints().oidc, to: endpoints.oidc)
        try Data(ReadableJSON.encode(issuers)).write(to: staged.caIssuers)
        try FileManager.default.copyItem(at: inputs.profileFile, to: staged.caProfile)
    }

    private func writeLogKeys(_ staged: DataFolder, logName: String) throws -> (log: SigningKey, ct: SigningKey) {
        let logKey = SigningKey.generateP256(), ctKey = SigningKey.generateP256()
        try DataFolder.writeSecret(logKey.pemRepresentation, to: staged.logKey)
        try DataFolder.writeSecret(ctKey.pemRepresentation, to: staged.ctKey)
        try DataFolder.writePublic(logKey.verificationKey.pem, to: staged.logPublicKey)
        try DataFolder.writePublic(ctKey.verificationKey.pem, to: staged.ctPublicKey)
        try DataFolder.writePublic(logName + "\n", to: staged.logName)
        return (logKey, ctKey)
    }

    /// The Rekor v2 log's Ed25519 key (C2SP signed-note checkpoints).
    private func writeRekorV2Key(_ staged: DataFolder) throws -> SigningKey {
        let key = SigningKey.generateEd25519()
        try DataFolder.writeSecret(key.pemRepresentation, to: staged.rekorV2Key)
        try DataFolder.writePublic(key.verificationKey.pem, to: staged.rekorV2PublicKey)
        return key
    }

    private func writeCAKeys(_ staged: DataFolder, profile: CertificateProfile) throws -> CAKeyMaterial.Generated {
        let ca = try CAKeyMaterial.generate(profile: profile)
        try DataFolder.writeSecret(ca.rootKeyPEM, to: staged.caRootKey)
        try DataFolder.writeSecret(ca.intermediateKeyPEM, to: staged.caIntermediateKey)
        try DataFolder.writePublic(ca.rootPEM, to: staged.caRoot)
        try DataFolder.writePublic(ca.intermediatePEM, to: staged.caIntermediate)
        return ca
    }

    private func writeOIDCKeys(_ staged: DataFolder) throws {
        try DataFolder.writeSecret(try OIDCSigningKey.generateRS256().pemRepresentation, to: staged.oidcRS256Key)
        try DataFolder.writeSecret(OIDCSigningKey.generateES256().pemRepresentation, to: staged.oidcES256Key)
    }

    /// A new TSA chain; only the leaf's key is written (see ``TSAKeyMaterial``).
    private func writeTSAKeys(_ staged: DataFolder) throws -> TSAKeyMaterial {
        let tsa = try TSAKeyMaterial.generate()
        _ = try tsa.signer()                                   // the profile verifiers require, checked once
        try DataFolder.writeSecret(tsa.key.pemRepresentation, to: staged.tsaKey)
        try DataFolder.writePublic(tsa.chainPEM, to: staged.tsaChain)
        return tsa
    }

    private func writeTrustFiles(_ staged: DataFolder, trust: TrustFiles) throws {
        try Data(trust.trustedRoot.encoded()).write(to: staged.trustedRoot)
        try Data(trust.signingConfig.encoded()).write(to: staged.signingConfig)
        try Data(ClientTrustConfig(trustedRoot: trust.trustedRoot, signingConfig: trust.signingConfig).encoded())
            .write(to: staged.trustConfig)
    }

    /// The TUF repository publishing the trust files just written (version 1 of every role).
    private func createTUFRepository(_ staged: DataFolder) throws {
        do {
            _ = try TUFRepository.create(directory: staged.tufDirectory, privateKeys: staged.tufKeys, settings: tufSettings,
                                         files: try staged.tufTargets())
        } catch let error as TUFError {
            throw ServerError("cannot create the TUF repository: \(error.message)")
        }
    }

    private func writeServerSettings(_ staged: DataFolder) throws {
        for (server, settings) in ServerConfigDefaults.files(for: endpoints) {
            try Data(ReadableJSON.encode(settings)).write(to: staged.serverConfig(server))
        }
    }
}
