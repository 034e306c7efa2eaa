import Hummingbird
import Logging

/// Builds the log's HTTP router: Rekor v1 JSON API, search, tlog-tiles read paths, health and, when
/// given, the certificate-transparency log under `/ct/v1`.
public func buildLogRouter(service: LogService, ctLog: CTLogService? = nil) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    if let ctLog {
        CTController(service: ctLog, maxRequestBytes: service.configuration.maxRequestBytes).addRoutes(to: router)
    }
    EntriesController(service: service).addRoutes(to: router)
    LogInfoController(service: service).addRoutes(to: router)
    SearchController(service: service).addRoutes(to: router)
    TilesController(service: service).addRoutes(to: router)
    router.get("/healthz") { _, _ in "ok" }
    return router
}

/// The log server as a Hummingbird application.
public func buildLogApplication(service: LogService, ctLog: CTLogService? = nil, host: String, port: Int,
                                logger: Logger) -> some ApplicationProtocol {
    Application(router: buildLogRouter(service: service, ctLog: ctLog),
                configuration: .init(address: .hostname(host, port: port), serverName: "sigil-log"),
                logger: logger)
}
