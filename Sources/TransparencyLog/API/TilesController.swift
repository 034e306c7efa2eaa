import Hummingbird
import Merkle

/// c2sp.org/tlog-tiles read paths: `/checkpoint`, `/tile/<L>/<N>[.p/<W>]`, `/tile/entries/<N>[.p/<W>]`.
/// Tiles are immutable once they exist, so they are served with a long cache lifetime.
struct TilesController: Sendable {
    let service: LogService
    static let immutable = "public, max-age=31536000, immutable"

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/checkpoint") { _, _ in
            var response = Reply.text(service.treeHead.checkpoint)
            response.headers[.cacheControl] = "no-cache"
            return response
        }
        router.get("/tile/**") { _, context in try await tile(context.parameters.getCatchAll()) }
    }

    func tile(_ components: [Substring]) async throws -> Response {
        let path = components.joined(separator: "/")
        guard let resource = Tiles.Resource(path: "tile/" + path) else {
            throw LogError(.notFound, "\"tile/\(path)\" is not a tlog-tiles path")
        }
        switch resource {
        case .hashTile(let coordinate):
            guard let bytes = try await service.tile(coordinate) else {
                throw LogError(.notFound, "tile/\(path) does not exist at tree size \(service.treeHead.treeSize)")
            }
            return Reply.bytes(bytes, contentType: "application/octet-stream", cacheControl: Self.immutable)
        case .entryBundle(let bundle):
            guard let bytes = try await service.entryBundle(bundle) else {
                throw LogError(.notFound, "tile/\(path) does not exist at tree size \(service.treeHead.treeSize)")
            }
            return Reply.bytes(bytes, contentType: "application/octet-stream", cacheControl: Self.immutable)
        }
    }
}
