import CertificateAuthority
import Foundation
import OIDCIssuer
import ServerSupport
import SigstoreKit
import TransparencyLog

/// Creates a data folder: every key, the CA certificates, the two log databases and the trust files
/// clients need (trusted root, signing config, and the ClientTrustConfig combining them).
struct Initialiser {
    let folder: DataFolder
    /// Where the checked-in CA configuration (`issuers.json`, `certificate-profile.json`) is read from.
    let caConfiguration: URL
    let endpoints: Endpoints

    /// Where the servers listen, as clients will be told in the signing config.
    struct Endpoints {
        var oidc = "http://127.0.0.1:5556"
        var ca = "http://127.0.0.1:5555"
        var log = "http://127.0.0.1:3000"
    }

    func run(logName: String) throws {
        let fm = FileManager.default
        if let contents = try? fm.contentsOfDirectory(atPath: folder.root.path), !contents.isEmpty {
            throw ServerError("\(folder.root.path) already exists and is not empty; refusing to overwrite it")
        }
        let issuersFile = caConfiguration.appendingPathComponent("issuers.json")
        let profileFile = caConfiguration.appendingPathComponent("certificate-profile.json")
        func refusal(_ file: URL, _ error: any Error) -> ServerError {
            ServerError("--ca-config \(caConfiguration.path): \(file.lastPathComponent): \(FileErrorReason.describe(error)) "
                        + "(the folder must hold issuers.json and certificate-profile.json; see ca/README.md)")
        }
        do { _ = try IssuerPool(configurationFile: issuersFile.path) } catch { throw refusal(issuersFile, error) }
        let profile: CertificateProfile
        do { profile = try CertificateProfile(file: profileFile.path) } catch { throw refusal(profileFile, error) }
        do {
            try fm.createDirectory(at: folder.file("keys"), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerError("cannot create the data folder \(folder.root.path): \((error as NSError).localizedDescription)")
        }
        try fm.createDirectory(at: folder.file("ca"), withIntermediateDirectories: true)
        try fm.copyItem(at: issuersFile, to: folder.caIssuers)
        try retargetDevelopmentIssuers()
        try fm.copyItem(at: profileFile, to: folder.caProfile)

        let logKey = SigningKey.generateP256(), ctKey = SigningKey.generateP256()
        try DataFolder.writeSecret(logKey.pemRepresentation, to: folder.logKey)
        try DataFolder.writeSecret(ctKey.pemRepresentation, to: folder.ctKey)
        try DataFolder.writePublic(logKey.verificationKey.pem, to: folder.logPublicKey)
        try DataFolder.writePublic(ctKey.verificationKey.pem, to: folder.ctPublicKey)
        try DataFolder.writePublic(logName + "\n", to: folder.logName)

        let ca = try CAKeyMaterial.generate(profile: profile)
        try DataFolder.writeSecret(ca.rootKeyPEM, to: folder.caRootKey)
        try DataFolder.writeSecret(ca.intermediateKeyPEM, to: folder.caIntermediateKey)
        try DataFolder.writePublic(ca.rootPEM, to: folder.caRoot)
        try DataFolder.writePublic(ca.intermediatePEM, to: folder.caIntermediate)

        try DataFolder.writeSecret(try OIDCSigningKey.generateRS256().pemRepresentation, to: folder.oidcRS256Key)
        try DataFolder.writeSecret(OIDCSigningKey.generateES256().pemRepresentation, to: folder.oidcES256Key)

        _ = try LogService.createStore(path: folder.logDatabase.path, signingKey: logKey, name: logName)
        _ = try CTLogService.createStore(path: folder.ctDatabase.path, signingKey: ctKey, name: logName + "/ct")

        let trust = TrustFiles(endpoints: endpoints, logKey: logKey.verificationKey, ctKey: ctKey.verificationKey,
                               ca: ca.material, profile: profile)
        try Data(trust.trustedRoot.encoded()).write(to: folder.trustedRoot)
        try Data(trust.signingConfig.encoded()).write(to: folder.signingConfig)
        try Data(ClientTrustConfig(trustedRoot: trust.trustedRoot, signingConfig: trust.signingConfig).encoded())
            .write(to: folder.trustConfig)

        try fm.createDirectory(at: folder.file("config"), withIntermediateDirectories: true)
        for (server, text) in ServerConfigDefaults.files {
            try DataFolder.writePublic(text, to: folder.serverConfig(server))
        }
    }
}

extension Initialiser {
    /// The checked-in issuer list trusts the development issuer at its default URL; when this folder's
    /// issuer lives elsewhere, the copy trusts it (and its Actions emulation) there instead.
    func retargetDevelopmentIssuers() throws {
        let standard = Endpoints().oidc
        guard endpoints.oidc != standard else { return }
        let text = try String(contentsOf: folder.caIssuers, encoding: .utf8)
        try text.replacingOccurrences(of: "\"\(standard)\"", with: "\"\(endpoints.oidc)\"")
            .replacingOccurrences(of: "\"\(standard)/actions\"", with: "\"\(endpoints.oidc)/actions\"")
            .write(to: folder.caIssuers, atomically: true, encoding: .utf8)
    }
}

/// The trust files `init` writes, exactly as strict as the real sigstore client requires: trusted
/// root media type v0.1, signing config v0.2, every service with an operator and a `validFor` whose
/// start is a little in the past.
struct TrustFiles {
    let trustedRoot: TrustedRoot
    let signingConfig: SigningConfig

    static let `operator` = "sigil.local"

    init(endpoints: Initialiser.Endpoints, logKey: VerificationKey, ctKey: VerificationKey, ca: CAKeyMaterial,
         profile: CertificateProfile, now: Date = Date()) {
        let start = TimeRange(start: Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 60).rounded(.down)))
        trustedRoot = TrustedRoot(
            tlogs: [TransparencyLogInstance(baseURL: endpoints.log, key: logKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                            validFor: start)],
            certificateAuthorities: [
                TrustedCertificateAuthority(
                    subject: .init(organization: profile.intermediate.organization, commonName: profile.intermediate.commonName),
                    uri: endpoints.ca, certificates: [ca.intermediate, ca.root], validFor: start),
            ],
            // The CT log's base URL is the origin its RFC 6962 paths hang off (`<baseUrl>/ct/v1/get-sth`),
            // the same server as the transparency log; `…/ct` would send monitors to `/ct/ct/v1/…`.
            ctlogs: [TransparencyLogInstance(baseURL: endpoints.log, key: ctKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                             validFor: start)])
        func service(_ url: String) -> SigningConfig.Service {
            SigningConfig.Service(url: url, majorAPIVersion: 1, validFor: start, operator: Self.operator)
        }
        signingConfig = SigningConfig(caURLs: [service(endpoints.ca)], oidcURLs: [service(endpoints.oidc)],
                                      rekorTlogURLs: [service(endpoints.log)], tsaURLs: [], rekorTlogConfig: .any, tsaConfig: .any)
    }
}
