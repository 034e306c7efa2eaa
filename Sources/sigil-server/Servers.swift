import CertificateAuthority
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import OIDCIssuer
import Prometheus
import ServerSupport
import ServiceLifecycle
import SigstoreKit
import TimestampAuthority
import TransparencyLog
import X509

/// Builds each server from its settings. Every builder fails closed: missing keys, certificates or
/// databases, or a database made for another key, stop start-up with the file and setting named;
/// nothing is created on the fly. Each server gets the same operational surface: one structured
/// log line per request, request metrics, `/healthz`, `/readyz` and `/metrics`.
enum Servers {
    /// The log server's services, in start order, and its CT log when the folder has one.
    struct LogServer {
        let services: [any Service]
        let ctLog: CTLogService?
    }

    static func log(_ settings: LogSettings, metrics: PrometheusCollectorRegistry?) async throws -> LogServer {
        let common = settings.common
        let server = try common.listener.serverBuilder()
        let logger = Logger(label: "sigil.log")
        let postgres = settings.storage.backend == .postgres
            ? try await PostgresLogs.connect(settings.storage, common: common, logger: logger) : nil
        let service = try await openLog(settings, postgres: postgres)
        let ctLog = try await Self.ctLog(folder: common.folder, common: common, postgres: postgres)
        let rekorV2 = try await Self.rekorV2(settings, postgres: postgres)
        let replicas = try await Self.replicas(postgres, service: service, ctLog: ctLog, rekorV2: rekorV2)
        var checks = logReadiness(service, ctLog: ctLog, rekorV2: rekorV2)
        for (name, coordinator) in replicas {
            let check = ["rekor": "sequencerRole", "ct": "ctSequencerRole", "rekor_v2": "rekorV2SequencerRole"][name] ?? name + "SequencerRole"
            checks.append(.report(check) { coordinator.roleDescription })
        }
        let folder = common.folder
        let tuf = folder.hasTUF ? folder.tufRepository() : nil
        if tuf == nil {
            logger.warning("no TUF repository: clients cannot use --instance", metadata: ["fix": "sigil-server tuf init --data \(folder.root.path)"])
        }
        let router = buildLogRouter(service: service, ctLog: ctLog, rekorV2: rekorV2, tuf: tuf) { router in
            addOperations(to: router, checks: checks, metrics: metrics, logger: logger)
        }
        let app = application(router: router, server: server, listener: common.listener, name: "sigil-log", logger: logger)
        let rekorV2Summary = rekorV2.map { "\(common.listener.localURL)\(RekorV2Log.basePath), origin \($0.origin), tree size \($0.treeHead.treeSize)" }
        logger.info("transparency log configured", metadata: ["url": "\(common.listener.localURL)",
                                                         "treeSize": .stringConvertible(service.treeHead.treeSize),
                                                         "ctLog": "\(ctLog != nil)",
                                                         "rekorV2": "\(rekorV2Summary ?? "none")",
                                                         "tuf": "\(tuf != nil ? common.listener.localURL + "/tuf" : "none")"])
        let refresher = tuf.map { TUFRefresher(repository: $0, files: { try folder.tufTargets() }, logger: logger) }
        // Listed first so it stops last: after the server has answered its in-flight requests. The
        // replica coordinators stop between the two: after the requests they forward, before the stores close.
        var services: [any Service] = [LogShutdown(service: service, ctLog: ctLog, rekorV2: rekorV2, logger: logger)]
        services += replicas.map { $0.coordinator as any Service }
        services.append(app)
        if let refresher { services.append(refresher) }
        return LogServer(services: services, ctLog: ctLog)
    }

    /// With PostgreSQL storage, each log joins the replicas sharing its database.
    private static func replicas(_ postgres: PostgresLogs?, service: LogService, ctLog: CTLogService?,
                                 rekorV2: RekorV2Log?) async throws -> [(name: String, coordinator: ReplicaCoordinator)] {
        guard let postgres else { return [] }
        var logs: [(String, any LogStore, Sequencer)] = [("rekor", service.storage, service.sequencer)]
        if let ctLog { logs.append(("ct", ctLog.storage, ctLog.sequencer)) }
        if let rekorV2 { logs.append(("rekor_v2", rekorV2.storage, rekorV2.sequencer)) }
        var coordinators: [(String, ReplicaCoordinator)] = []
        for (name, store, sequencer) in logs {
            guard let store = store as? PostgresLogStore else { continue }
            coordinators.append((name, await postgres.coordinator(store: store, sequencer: sequencer, log: name)))
        }
        return coordinators
    }

    /// The transparency log of the data folder: the folder writable and locked to this process (with
    /// SQLite), the database opened with the key it was created for.
    private static func openLog(_ settings: LogSettings, postgres: PostgresLogs?) async throws -> LogService {
        let common = settings.common
        let folder = common.folder
        if postgres == nil {
            try requireWritable(folder, common)
            do { try DataFolderLock.acquire(folder.root, holder: "sigil-server log") } catch { throw common.dataError("\(error)") }
        }
        let key: SigningKey
        do { key = try folder.loadLogKey() } catch { throw common.dataError("\(error)") }
        let store: any LogStore
        if let postgres {
            guard let opened = try await postgres.store("rekor", template: folder.logDatabase, common: common) else {
                throw common.dataError("no log database at \(folder.logDatabase.path) (run `sigil-server init` first)")
            }
            store = opened
        } else {
            do { store = try SQLiteLogStore.open(path: folder.logDatabase.path) } catch {
                throw common.dataError("\(error)")
            }
            try await refuseMoved(store, common)
        }
        var configuration = settings.logConfiguration
        configuration.name = folder.loadLogName()
        do { return try await LogService(store: store, signingKey: key, configuration: configuration) } catch {
            throw common.dataError("refusing to open \(postgres.map { "the log in \($0.database.url.redacted)" } ?? folder.logDatabase.path) with \(folder.logKey.path): \(error)")
        }
    }

    /// An SQLite log moved to PostgreSQL is a backup: serving it would let the log's key sign a
    /// second, diverging tree.
    private static func refuseMoved(_ store: any LogStore, _ common: CommonSettings) async throws {
        guard let sqlite = store as? SQLiteLogStore else { return }
        let destination: String?
        do { destination = try await sqlite.movedTo() } catch { throw common.dataError("\(sqlite.path): \(error)") }
        if let destination {
            throw common.dataError("\(sqlite.path) was moved to PostgreSQL (\(destination)) and is kept only as a backup; set storage postgres (see README, Scaling out)")
        }
    }

    /// `/readyz` for the log: each database answers and each sequencer accepts entries.
    private static func logReadiness(_ service: LogService, ctLog: CTLogService?, rekorV2: RekorV2Log?) -> [ReadinessCheck] {
        var checks: [ReadinessCheck] = [
            .settled("keys"),
            ReadinessCheck("database") { await service.storageProblem() },
            ReadinessCheck("sequencer") { await service.sequencer.stoppedReason },
        ]
        if let ctLog {
            checks.append(ReadinessCheck("ctDatabase") { await ctLog.storageProblem() })
            checks.append(ReadinessCheck("ctSequencer") { await ctLog.sequencer.stoppedReason })
        }
        if let rekorV2 {
            checks.append(ReadinessCheck("rekorV2Database") { await rekorV2.storageProblem() })
            checks.append(ReadinessCheck("rekorV2Sequencer") { await rekorV2.sequencer.stoppedReason })
        }
        return checks
    }

    /// The Rekor v2 log beside the transparency log, if the folder has one (folders made before it
    /// existed have none), opened with the key it was created for. Same limits as the v1 log.
    static func rekorV2(_ settings: LogSettings, postgres: PostgresLogs? = nil) async throws -> RekorV2Log? {
        let common = settings.common
        let folder = common.folder
        let store: any LogStore
        if let postgres {
            guard let opened = try await postgres.store("rekor_v2", template: folder.rekorV2Database, common: common) else { return nil }
            store = opened
        } else {
            guard FileManager.default.fileExists(atPath: folder.rekorV2Database.path) else { return nil }
            do { store = try SQLiteLogStore.open(path: folder.rekorV2Database.path) } catch { throw common.dataError("\(error)") }
            try await refuseMoved(store, common)
        }
        let key: SigningKey
        do { key = try folder.loadRekorV2Key() } catch { throw common.dataError("\(error)") }
        do { return try await RekorV2Log(store: store, signingKey: key, configuration: settings.logConfiguration) } catch {
            throw common.dataError("refusing to open the Rekor v2 log \(folder.rekorV2Database.path) with \(folder.rekorV2Key.path): \(error)")
        }
    }

    /// The CT log beside the transparency log, if the folder has one (it accepts chains to the CA root).
    static func ctLog(folder: DataFolder, common: CommonSettings, postgres: PostgresLogs? = nil) async throws -> CTLogService? {
        let store: any LogStore
        if let postgres {
            guard let opened = try await postgres.store("ct", template: folder.ctDatabase, common: common) else { return nil }
            store = opened
        } else {
            guard FileManager.default.fileExists(atPath: folder.ctDatabase.path) else { return nil }
            let sqlite: SQLiteLogStore
            do { sqlite = try SQLiteLogStore.open(path: folder.ctDatabase.path) } catch { throw common.dataError("\(folder.ctDatabase.path): \(error)") }
            try await refuseMoved(sqlite, common)
            store = sqlite
        }
        let root: Certificate
        do { root = try Certificate(pemEncoded: try folder.read(folder.caRoot, what: "the CA root certificate")) } catch let e as ServerError {
            throw common.dataError(e.description)
        } catch {
            throw common.dataError("\(folder.caRoot.path): \(error)")
        }
        do {
            return try await CTLogService(store: store, signingKey: try folder.loadCTKey(),
                                    acceptedRoots: [root])
        } catch let error as ServerError {
            throw common.dataError(error.description)
        } catch {
            throw common.dataError("refusing to open the CT log \(folder.ctDatabase.path) with \(folder.ctKey.path): \(error)")
        }
    }

    /// `localCTLog`, given by `all` when the CA's CT log runs in the same process, takes the place of
    /// the HTTP submission to `ctLogURL`.
    static func ca(_ settings: CASettings, metrics: PrometheusCollectorRegistry?, localCTLog: CTLogService? = nil) throws -> any Service {
        let server = try settings.common.listener.serverBuilder()
        try lockCAFolder(settings.common)
        let material = try loadCAMaterial(settings.common)
        let (issuers, profile) = try loadCAConfiguration(settings)
        let submission = try ctSubmission(settings, ctKey: material.ctKey, localCTLog: localCTLog)
        let authority = CertificateIssuer(keys: material.keys, validator: TokenValidator(issuers: issuers, keyFetcher: HTTPOIDCKeyFetcher()),
                                          ctLog: submission.submitter, metrics: IssuanceMetrics(),
                                          options: .init(profile: profile, ctLogKey: submission.sctCheckKey))
        let logger = Logger(label: "sigil.ca")
        let checks: [ReadinessCheck] = [.settled("keys"), .settled("issuers")]
        let router = buildCARouter(authority: authority, logger: logger) { router in
            addOperations(to: router, checks: checks, metrics: metrics, logger: logger)
        }
        let ctLogLocation = localCTLog == nil ? settings.ctLogURL : "in process (\(settings.ctLogURL))"
        logger.info("certificate authority configured", metadata: ["url": "\(settings.common.listener.localURL)", "ctLog": "\(ctLogLocation)",
                                                              "certificateLifetimeSeconds": .stringConvertible(profile.leafValiditySeconds)])
        return application(router: router, server: server, listener: settings.common.listener, name: "sigil-ca", logger: logger)
    }

    /// Keeps key rotation out while the CA runs (a folder without `ca/` fails on its keys next).
    private static func lockCAFolder(_ common: CommonSettings) throws {
        let directory = common.folder.file("ca")
        guard FileManager.default.fileExists(atPath: directory.path) else { return }
        do { try DataFolderLock.acquire(directory, holder: "sigil-server ca") } catch { throw common.dataError("\(error)") }
    }

    /// The CA's certificates and intermediate key, and the CT log key its SCTs must verify under.
    private static func loadCAMaterial(_ common: CommonSettings) throws -> (keys: CAKeyMaterial, ctKey: VerificationKey) {
        let folder = common.folder
        do {
            let keys = try CAKeyMaterial(rootPEM: try folder.read(folder.caRoot, what: "the CA root certificate"),
                                         intermediatePEM: try folder.read(folder.caIntermediate, what: "the CA intermediate certificate"),
                                         intermediateKeyPEM: try folder.read(folder.caIntermediateKey, what: "the CA intermediate key"))
            return (keys, try VerificationKey(pem: try folder.read(folder.ctPublicKey, what: "the CT log public key")))
        } catch let error as ServerError {
            throw common.dataError(error.description)
        } catch {
            throw common.dataError("refusing to start the CA: \(error)")
        }
    }

    /// The issuer list and the certificate profile, with the settings' overrides applied.
    private static func loadCAConfiguration(_ settings: CASettings) throws -> (IssuerPool, CertificateProfile) {
        let reader = settings.common.reader
        let issuers: IssuerPool
        var profile: CertificateProfile
        do { issuers = try IssuerPool(configurationFile: settings.issuersFile) } catch {
            throw ConfigurationError(source: reader.origin(of: "issuersFile", flag: nil, flagSet: false), field: "issuersFile",
                                     problem: "\(settings.issuersFile): \(FileErrorReason.describe(error))")
        }
        do { profile = try CertificateProfile(file: settings.certificateProfileFile) } catch {
            throw ConfigurationError(source: reader.origin(of: "certificateProfileFile", flag: nil, flagSet: false),
                                     field: "certificateProfileFile", problem: "\(settings.certificateProfileFile): \(FileErrorReason.describe(error))")
        }
        if let lifetime = settings.certificateLifetimeSeconds { profile.leafValiditySeconds = lifetime }
        if let limit = settings.maxRequestBytes { profile.maxRequestBytes = limit }
        return (issuers, profile)
    }

    /// Where precertificates go: the CT log in this process, or `ctLogURL` over HTTP with each SCT
    /// checked against the key clients trust.
    private static func ctSubmission(_ settings: CASettings, ctKey: VerificationKey,
                                     localCTLog: CTLogService?) throws -> (submitter: any CTLogSubmitter, sctCheckKey: VerificationKey?) {
        guard let localCTLog else { return (HTTPCTLogSubmitter(logURL: settings.ctLogURL), ctKey) }
        // The in-process log signs with the key clients trust, checked once here instead of per SCT.
        guard localCTLog.publicKey.keyID == ctKey.keyID else {
            throw settings.common.dataError("the CT log key does not match \(settings.common.folder.ctPublicKey.path), the key clients are given")
        }
        return (InProcessCTLogSubmitter(log: localCTLog), nil)
    }

    static func oidc(_ settings: OIDCSettings, metrics: PrometheusCollectorRegistry?) throws -> any Service {
        let folder = settings.common.folder
        let server = try settings.common.listener.serverBuilder()
        let issuer: OIDCIssuer
        var configuration = OIDCIssuerConfiguration(issuerURL: settings.issuerURL)
        configuration.tokenLifetime = TimeInterval(settings.tokenLifetimeSeconds)
        configuration.mintsForAnyClient = settings.tokenClients == "any"
        configuration.clientID = settings.clientID
        configuration.authorizationCodeLifetime = TimeInterval(settings.authorizationCodeLifetimeSeconds)
        do {
            issuer = try OIDCIssuer(configuration: configuration,
                                    rs256PEM: try folder.read(folder.oidcRS256Key, what: "the OIDC RS256 key"),
                                    es256PEM: try folder.read(folder.oidcES256Key, what: "the OIDC ES256 key"))
        } catch let error as ServerError {
            throw settings.common.dataError(error.description)
        } catch {
            throw settings.common.dataError("refusing to start the OIDC issuer: \(error)")
        }
        let logger = Logger(label: "sigil.oidc")
        let router = buildOIDCRouter(issuer: issuer, logger: logger) { router in
            addOperations(to: router, checks: [.settled("keys")], metrics: metrics, logger: logger)
        }
        logger.info("development OIDC issuer configured",
                    metadata: ["issuer": "\(settings.issuerURL)", "actionsIssuer": "\(configuration.actionsIssuerURL)",
                                  "tokenClients": "\(settings.tokenClients)"])
        return application(router: router, server: server, listener: settings.common.listener, name: "sigil-oidc", logger: logger)
    }

    /// The timestamp authority: its key and chain from the data folder, the chain's profile checked.
    static func tsa(_ settings: TSASettings, metrics: PrometheusCollectorRegistry?) throws -> any Service {
        let common = settings.common
        let server = try common.listener.serverBuilder()
        // Keeps `rotate tsa` out while the TSA runs (a folder without `tsa/` fails on its key next).
        if FileManager.default.fileExists(atPath: common.folder.file("tsa").path) {
            do { try DataFolderLock.acquire(common.folder.file("tsa"), holder: "sigil-server tsa") } catch { throw common.dataError("\(error)") }
        }
        let signer: TimestampSigner
        do {
            let material = try TSAKeyMaterial(chainPEM: try common.folder.read(common.folder.tsaChain, what: "the TSA certificate chain"),
                                              keyPEM: try common.folder.read(common.folder.tsaKey, what: "the TSA signing key"))
            signer = try material.signer()
        } catch let error as ServerError {
            throw common.dataError(error.description)
        } catch {
            throw common.dataError("refusing to start the TSA with \(common.folder.tsaChain.path) and \(common.folder.tsaKey.path): \(error)")
        }
        var options = TimestampIssuer.Options()
        options.maxRequestBytes = settings.maxRequestBytes
        let issuer = TimestampIssuer(signer: signer, metrics: TimestampMetrics(), options: options)
        let logger = Logger(label: "sigil.tsa")
        let router = buildTSARouter(issuer: issuer, logger: logger) { router in
            addOperations(to: router, checks: [.settled("keys")], metrics: metrics, logger: logger)
        }
        logger.info("timestamp authority configured", metadata: ["url": "\(common.listener.localURL)",
                                                            "policy": "\(signer.policy.defaultPolicy)"])
        return application(router: router, server: server, listener: common.listener, name: "sigil-tsa", logger: logger)
    }

    /// Request logging and metrics for every route added afterwards, and the operations routes.
    private static func addOperations<Context: RequestContext>(to router: Router<Context>, checks: [ReadinessCheck],
                                                               metrics: PrometheusCollectorRegistry?, logger: Logger) {
        router.add(middleware: RequestLogMiddleware(logger: logger))
        router.add(middleware: MetricsMiddleware())
        OperationsRoutes(checks: checks, metrics: metrics).add(to: router)
    }

    private static func application<Context: RequestContext>(router: Router<Context>, server: HTTPServerBuilder,
                                                             listener: ListenerSettings, name: String, logger: Logger) -> some Service
        where Context.Source == ApplicationRequestContextSource {
        Application(router: router, server: server,
                    configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: name), logger: logger)
    }

    /// The log writes its database and WAL beside it; find out now rather than on the first entry.
    /// A probe file catches read-only mounts and permissions alike, whoever the user is.
    private static func requireWritable(_ folder: DataFolder, _ common: CommonSettings) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw common.dataError("\(folder.root.path) does not exist; run `sigil-server init --data \(folder.root.path)` first")
        }
        let probe = folder.file(".write-probe-\(getpid())").path
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw common.dataError("\(folder.root.path) is not writable (\(String(cString: strerror(errno)))); the log keeps its database there")
        }
        close(descriptor)
        unlink(probe)
        // SQLite opens a file it may not write read-only and fails on the first commit instead.
        for database in [folder.logDatabase.path, folder.ctDatabase.path, folder.rekorV2Database.path] {
            for file in [database, database + "-wal", database + "-shm"] where FileManager.default.fileExists(atPath: file) {
                let handle = open(file, O_RDWR)
                guard handle >= 0 else {
                    throw common.dataError("\(file) is not writable (\(String(cString: strerror(errno)))); the log appends to it")
                }
                close(handle)
            }
        }
    }

    /// Runs services until SIGTERM or SIGINT, then shuts them down gracefully in reverse order.
    static func run(_ services: [any Service]) async throws {
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                 logger: Logger(label: "sigil"))
        try await group.run()
    }
}
