import Hummingbird
import Logging

/// Builds the log's HTTP router: Rekor v1 JSON API, search, tlog-tiles read paths and, when
/// given, the certificate-transparency log under `/ct/v1`.
public func buildLogRouter(service: LogService, ctLog: CTLogService? = nil,
                           middleware prepare: (Router<BasicRequestContext>) -> Void = { _ in }) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    prepare(router)
    if let ctLog {
        CTController(service: ctLog, maxRequestBytes: service.configuration.maxRequestBytes).addRoutes(to: router)
    }
    EntriesController(service: service).addRoutes(to: router)
    LogInfoController(service: service).addRoutes(to: router)
    SearchController(service: service).addRoutes(to: router)
    TilesController(service: service).addRoutes(to: router)
    return router
}
