import Hummingbird
import Logging

/// Builds the log's HTTP router: Rekor v1 JSON API, search, tlog-tiles read paths and health.
public func buildLogRouter(service: LogService) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    EntriesController(service: service).addRoutes(to: router)
    LogInfoController(service: service).addRoutes(to: router)
    SearchController(service: service).addRoutes(to: router)
    TilesController(service: service).addRoutes(to: router)
    router.get("/healthz") { _, _ in "ok" }
    return router
}

/// The log server as a Hummingbird application.
public func buildLogApplication(service: LogService, host: String, port: Int, logger: Logger)
    -> some ApplicationProtocol {
    Application(router: buildLogRouter(service: service),
                configuration: .init(address: .hostname(host, port: port), serverName: "sigil-log"),
                logger: logger)
}
