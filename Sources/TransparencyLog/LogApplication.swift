import Hummingbird
import Logging
import ServerSupport

/// Builds the log's HTTP router: Rekor v1 JSON API, search, tlog-tiles read paths and, when
/// given, the certificate-transparency log under `/ct/v1` and the Rekor v2 log under its base path
/// (``RekorV2Log/basePath``: `POST <base>/api/v2/log/entries`, `<base>/checkpoint`, `<base>/tile/…`),
/// the TUF repository under `/tuf/`, and the explorer page at `/explorer/` with its reads under
/// `/api/v1/explorer/`. An error no route maps to a status answers 500 with the JSON error body every
/// Sigil API uses.
public func buildLogRouter(service: LogService, ctLog: CTLogService? = nil, rekorV2: RekorV2Log? = nil, tuf: TUFRepository? = nil,
                           logger: Logger = Logger(label: "sigil.log"),
                           middleware prepare: (Router<BasicRequestContext>) -> Void = { _ in }) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    prepare(router)
    router.add(middleware: InternalErrorMiddleware(logger: logger))
    if let ctLog {
        CTController(service: ctLog, maxRequestBytes: service.configuration.maxRequestBytes).addRoutes(to: router)
    }
    EntriesController(service: service).addRoutes(to: router)
    LogInfoController(service: service).addRoutes(to: router)
    SearchController(service: service).addRoutes(to: router)
    TilesController(service: service).addRoutes(to: router)
    if let tuf { TUFController(repository: tuf).addRoutes(to: router) }
    ExplorerController(assets: ExplorerAssets.load()).addRoutes(to: router)
    ExplorerAPIController(service: service, rekorV2: rekorV2).addRoutes(to: router)
    if let rekorV2 {
        RekorV2Controller(log: rekorV2).addRoutes(to: router.group(RouterPath(RekorV2Log.basePath)))
    }
    return router
}
