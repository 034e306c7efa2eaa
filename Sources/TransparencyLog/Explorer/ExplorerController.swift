import HTTPTypes
import Hummingbird
import NIOCore
import WireFormat

/// Serves the explorer page at `/explorer/` (its files at `/explorer/<name>`) and a small landing
/// page at `/` that links to it. Every answer carries a Content-Security-Policy that allows only
/// this origin's scripts, styles and API: the page never runs anything the log returns, and the
/// policy is a second fence behind the page's own rule of inserting log data as text only.
struct ExplorerController: Sendable {
    let assets: ExplorerAssets?

    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        (.xContentTypeOptions, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
    ]

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { request, _ in try serve("landing.html", request) }
        router.get("/explorer") { request, _ in try serve("index.html", request) }
        router.get("/explorer/:file") { request, context in try serve(try context.parameters.require("file"), request) }
    }

    func serve(_ name: String, _ request: Request) throws -> Response {
        guard let assets else {
            throw LogError(.notFound, "the explorer's files are not installed beside this server (Sigil_TransparencyLog.resources)")
        }
        guard let file = assets.files[name] else { throw LogError(.notFound, "no explorer file named \(JSONError.quoted(name, limit: 60))") }
        var headers = HTTPFields()
        for (field, value) in Self.securityHeaders { headers[field] = value }
        headers[.eTag] = file.etag
        // Revalidated on every load (a cheap 304): a new server version must not leave old scripts running.
        headers[.cacheControl] = "no-cache"
        if let match = request.headers[.ifNoneMatch], Array(match.utf8) == Array(file.etag.utf8) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
