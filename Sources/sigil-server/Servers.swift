import CertificateAuthority
import Foundation
import Hummingbird
import Logging
import OIDCIssuer
import ServiceLifecycle
import SigstoreKit
import TransparencyLog
import X509

/// Builds each server from a data folder. Every builder fails closed: missing keys, certificates
/// or databases stop start-up with the file named; nothing is created on the fly.
enum Servers {
    static func log(folder: DataFolder, options: LogServerOptions) throws -> some Service {
        let key = try folder.loadLogKey()
        let store: SQLiteLogStore
        do { store = try SQLiteLogStore.open(path: folder.logDatabase.path) } catch { throw ServerError("\(error)") }
        var configuration = LogConfiguration()
        configuration.name = folder.loadLogName()
        configuration.maxRequestBytes = options.maxRequestBytes
        configuration.sequencer = .init(queueCapacity: options.queueCapacity, maxBatchSize: options.maxBatch)
        let service: LogService
        do { service = try LogService(store: store, signingKey: key, configuration: configuration) } catch {
            throw ServerError("refusing to start the log: \(error)")
        }
        let ctLog = try Self.ctLog(folder: folder)
        let logger = Logger(label: "sigil.log")
        logger.info("transparency log ready", metadata: ["address": "\(options.host):\(options.port)",
                                                         "treeSize": "\(service.treeHead.treeSize)",
                                                         "ctLog": "\(ctLog != nil)"])
        return buildLogApplication(service: service, ctLog: ctLog, host: options.host, port: options.port, logger: logger)
    }

    /// The CT log beside the transparency log, if the folder has one (it accepts chains to the CA root).
    static func ctLog(folder: DataFolder) throws -> CTLogService? {
        guard FileManager.default.fileExists(atPath: folder.ctDatabase.path) else { return nil }
        let root: Certificate
        do { root = try Certificate(pemEncoded: try folder.read(folder.caRoot, what: "the CA root certificate")) } catch let e as ServerError {
            throw e
        } catch {
            throw ServerError("\(folder.caRoot.path): \(error)")
        }
        do {
            return try CTLogService(store: try SQLiteLogStore.open(path: folder.ctDatabase.path), signingKey: try folder.loadCTKey(),
                                    acceptedRoots: [root])
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("refusing to start the CT log: \(error)")
        }
    }

    static func ca(folder: DataFolder, host: String, port: Int, logURL: String) throws -> some Service {
        let keys: CAKeyMaterial
        let issuers: IssuerPool
        let profile: CertificateProfile
        let ctKey: VerificationKey
        do {
            keys = try CAKeyMaterial(rootPEM: try folder.read(folder.caRoot, what: "the CA root certificate"),
                                     intermediatePEM: try folder.read(folder.caIntermediate, what: "the CA intermediate certificate"),
                                     intermediateKeyPEM: try folder.read(folder.caIntermediateKey, what: "the CA intermediate key"))
            issuers = try IssuerPool(configurationFile: folder.caIssuers.path)
            profile = try CertificateProfile(file: folder.caProfile.path)
            ctKey = try VerificationKey(pem: try folder.read(folder.ctPublicKey, what: "the CT log public key"))
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("refusing to start the CA: \(error)")
        }
        let validator = TokenValidator(issuers: issuers, keyFetcher: HTTPOIDCKeyFetcher())
        let authority = CertificateIssuer(keys: keys, validator: validator, ctLog: HTTPCTLogSubmitter(logURL: logURL),
                                          options: .init(profile: profile, ctLogKey: ctKey))
        let logger = Logger(label: "sigil.ca")
        logger.info("certificate authority ready", metadata: ["address": "\(host):\(port)", "ctLog": "\(logURL)"])
        return Application(router: buildCARouter(authority: authority, logger: logger),
                           configuration: .init(address: .hostname(host, port: port), serverName: "sigil-ca"), logger: logger)
    }

    static func oidc(folder: DataFolder, host: String, port: Int, issuerURL: String) throws -> some Service {
        let issuer: OIDCIssuer
        do {
            issuer = try OIDCIssuer(configuration: OIDCIssuerConfiguration(issuerURL: issuerURL),
                                    rs256PEM: try folder.read(folder.oidcRS256Key, what: "the OIDC RS256 key"),
                                    es256PEM: try folder.read(folder.oidcES256Key, what: "the OIDC ES256 key"))
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("refusing to start the OIDC issuer: \(error)")
        }
        let logger = Logger(label: "sigil.oidc")
        logger.warning("development OIDC issuer: it mints tokens for anyone on loopback; never expose it",
                       metadata: ["issuer": "\(issuerURL)", "actionsIssuer": "\(issuerURL)/actions"])
        return Application(router: buildOIDCRouter(issuer: issuer, logger: logger),
                           configuration: .init(address: .hostname(host, port: port), serverName: "sigil-oidc"), logger: logger)
    }

    /// Runs services until SIGTERM or SIGINT, then shuts them down gracefully.
    static func run(_ services: [any Service]) async throws {
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                 logger: Logger(label: "sigil"))
        try await group.run()
    }
}
