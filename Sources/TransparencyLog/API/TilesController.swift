import Hummingbird
import Merkle

/// A log whose tree can be read as c2sp.org/tlog-tiles files: the Rekor v1 log (``LogService``) and
/// the Rekor v2 log (``RekorV2Log``).
public protocol TileServing: Sendable {
    /// The latest durable tree head, with its signed checkpoint.
    var treeHead: StoredTreeHead { get }
    /// The bytes of a hash tile, or nil if that tile does not exist at the current size.
    func tile(_ coordinate: Tiles.Coordinate) async throws -> [UInt8]?
    /// The bytes of an entry bundle, or nil if it does not exist at the current size.
    func entryBundle(_ bundle: Tiles.EntryBundle) async throws -> [UInt8]?
}

/// c2sp.org/tlog-tiles read paths: `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`,
/// under whatever path the routes are added at (`/` for the v1 log, the v2 log's base path).
/// Tiles are immutable once they exist, so they are served with a long cache lifetime.
struct TilesController<Service: TileServing>: Sendable {
    let service: Service
    static var immutable: String { "public, max-age=31536000, immutable" }

    func addRoutes<Context: RequestContext>(to router: some RouterMethods<Context>) {
        router.get("checkpoint") { _, _ in
            var response = Reply.text(service.treeHead.checkpoint)
            response.headers[.cacheControl] = "no-cache"
            return response
        }
        router.get("tile/**") { _, context in try await tile(context.parameters.getCatchAll()) }
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
