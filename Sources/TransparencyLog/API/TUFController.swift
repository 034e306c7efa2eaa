import Hummingbird
import WireFormat

/// The stack's TUF repository, read-only at `/tuf/` (the instance URL clients bootstrap with):
/// `N.root.json`, `root.json`, `timestamp.json`, `V.snapshot.json`, `V.targets.json` and
/// `targets/<sha256>.<name>`. Versioned and hash-named files never change once written, so they
/// may be cached for good; `timestamp.json` and `root.json` must be fetched fresh each time.
struct TUFController: Sendable {
    let repository: TUFRepository

    func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("tuf/**") { _, context in try serve(context.parameters.getCatchAll().joined(separator: "/")) }
    }

    func serve(_ path: String) throws -> Response {
        guard TUFRepository.isPublishedName(path), let bytes = repository.publishedFile(path) else {
            throw LogError(.notFound, "the TUF repository has no \(path)")
        }
        let mutable = path.isExactly("timestamp.json") || path.isExactly("root.json")
        return Reply.bytes(bytes, contentType: "application/json",
                           cacheControl: mutable ? "no-cache" : TilesController<LogService>.immutable)
    }
}
