import Foundation
import Hummingbird
import NIOCore
import SigilClient
import Synchronization
import WireFormat

/// A registry and its token server in one Hummingbird router, for what the real registry cannot
/// show: Docker's bearer-token dance (`/token` grants `push-token` to alice with her password for
/// `team/app`, `pull-token` for pull scopes, `anonymous-token` without credentials), refusals by
/// `insufficient_scope` (`team/readonly`) and 403 (`team/forbidden`), redirects (to blob storage on
/// another port, away to plain HTTP on a non-loopback host, in a loop), an upload whose second
/// chunk fails, and a repository that is busy (`team/busy`: each route fails its first answers with
/// a transient status) or broken (`team/down`: always 500; `team/full`: uploads refused with 503).
/// Records every request it and the storage server see.
final class RegistryDouble: Sendable {
    static let username = "alice"
    static let password = "s3cret-password"

    struct Seen: Sendable {
        let method: String
        let path: String
        let authorization: String?
    }

    /// The blob the storage server serves (and `team/app` lists).
    let blob: [UInt8]
    var blobDigest: OCIDigest { .sha256(of: blob) }
    private let registrySeen = Mutex<[Seen]>([])
    private let storageSeen = Mutex<[Seen]>([])
    private let tokenScopes = Mutex<[[String]]>([])
    private let patches = Mutex(0)
    /// Answers given so far per busy route, to fail only the first ones.
    private let busyAnswers = Mutex<[String: Int]>([:])

    var registryRequests: [Seen] { registrySeen.withLock { $0 } }
    var storageRequests: [Seen] { storageSeen.withLock { $0 } }
    /// The `scope` parameters of each token request, in order.
    var tokenRequests: [[String]] { tokenScopes.withLock { $0 } }

    init(blob: [UInt8]) {
        self.blob = blob
    }

    // MARK: Storage

    /// Blob storage on its own port: a registry's redirect target, which must never see credentials.
    func storageRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/blobs/:digest") { request, _ -> Response in
            self.storageSeen.withLock { $0.append(Seen(method: "GET", path: request.uri.path, authorization: request.headers[.authorization])) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: self.blob)))
        }
        return router
    }

    // MARK: Registry and token server

    func router(storage: String) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/token") { request, _ in self.token(request) }
        router.get("/v2/") { request, _ in self.authorize(request, repository: nil, push: false) ?? Response(status: .ok) }

        for repository in ["team/app", "team/private"] {
            router.get("/v2/\(repository)/blobs/:digest") { request, _ -> Response in
                if let refusal = self.authorize(request, repository: repository, push: false) { return refusal }
                return Self.redirect(to: "\(storage)/blobs/\(request.uri.path.split(separator: "/").last!)")
            }
        }
        router.head("/v2/team/app/blobs/:digest") { request, _ -> Response in
            if let refusal = self.authorize(request, repository: "team/app", push: false) { return refusal }
            return Response(status: .notFound)
        }
        router.get("/v2/team/away/blobs/:digest") { _, _ in Self.redirect(to: "http://192.0.2.1/blobs/x") }
        router.get("/v2/team/loop/blobs/:digest") { request, _ in Self.redirect(to: request.uri.path) }

        router.post("/v2/team/app/blobs/uploads/") { request, _ -> Response in
            if let refusal = self.authorize(request, repository: "team/app", push: true) { return refusal }
            return Self.answer(.accepted, location: "/uploads/1?_state=first")
        }
        router.patch("/uploads/1") { request, _ -> Response in
            if let refusal = self.authorize(request, repository: "team/app", push: true) { return refusal }
            _ = try await request.body.collect(upTo: 16 << 20)
            let count = self.patches.withLock { count in
                count += 1
                return count
            }
            guard count == 1 else {
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(
                    string: #"{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"disk full"}]}"#)))
            }
            return Self.answer(.accepted, location: "http://\(request.head.authority ?? "")/uploads/1?_state=second")
        }
        router.delete("/uploads/1") { request, _ -> Response in
            if let refusal = self.authorize(request, repository: "team/app", push: true) { return refusal }
            return Response(status: .noContent)
        }
        router.put("/uploads/1") { request, _ -> Response in
            self.record(request)
            return Response(status: .created)
        }

        router.head("/v2/team/busy/blobs/:digest") { request, _ -> Response in
            // Distribution 2.8 reading a link file another client is rewriting.
            self.busy(request, failures: 2, status: .internalServerError) ?? Response(status: .ok)
        }
        router.get("/v2/team/busy/blobs/:digest") { request, _ -> Response in
            self.busy(request, failures: 1, status: .serviceUnavailable, retryAfter: "0")
                ?? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: self.blob)))
        }
        router.put("/v2/team/busy/manifests/:reference") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 4 << 20)
            return self.busy(request, failures: 1, status: .badGateway) ?? Response(status: .created)
        }
        router.get("/v2/team/slow/blobs/:digest") { request, _ -> Response in
            self.busy(request, failures: 1, status: .tooManyRequests, retryAfter: "3600") ?? Response(status: .ok)
        }
        router.head("/v2/team/down/blobs/:digest") { request, _ -> Response in
            self.record(request)
            return Response(status: .internalServerError)
        }
        router.head("/v2/team/full/blobs/:digest") { request, _ -> Response in
            self.record(request)
            return Response(status: .notFound)
        }
        router.post("/v2/team/full/blobs/uploads/") { request, _ -> Response in
            self.record(request)
            return Response(status: .serviceUnavailable)
        }

        router.put("/v2/team/readonly/manifests/:reference") { request, _ -> Response in
            self.authorize(request, repository: "team/readonly", push: true) ?? Response(status: .created)
        }
        router.put("/v2/team/forbidden/manifests/:reference") { request, _ -> Response in
            self.record(request)
            return Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(
                string: #"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#)))
        }
        return router
    }

    private func record(_ request: Request) {
        registrySeen.withLock { $0.append(Seen(method: "\(request.method)", path: request.uri.path, authorization: request.headers[.authorization])) }
    }

    /// The transient failure for the first `failures` requests of this method and path, then nil.
    private func busy(_ request: Request, failures: Int, status: HTTPResponse.Status, retryAfter: String? = nil) -> Response? {
        record(request)
        let key = "\(request.method) \(request.uri.path)"
        let answered = busyAnswers.withLock { answers in
            defer { answers[key, default: 0] += 1 }
            return answers[key, default: 0]
        }
        guard answered < failures else { return nil }
        var headers = HTTPFields()
        if let retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: status, headers: headers)
    }

    private static func redirect(to location: String) -> Response {
        answer(.temporaryRedirect, location: location)
    }

    private static func answer(_ status: HTTPResponse.Status, location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: status, headers: headers)
    }

    /// The token a request's credentials earn for its scopes, as Docker's token server grants:
    /// only what the user may have (so a `push` scope on `team/readonly` yields a pull token).
    private func token(_ request: Request) -> Response {
        let scopes = request.uri.queryParameters.getAll("scope")
        tokenScopes.withLock { $0.append(scopes) }
        let token: String
        switch request.headers[.authorization] {
        case nil:
            token = "anonymous-token"
        case let header? where header == "Basic " + StrictBase64.encode(Array("\(Self.username):\(Self.password)".utf8)):
            token = scopes.contains("repository:team/app:pull,push") ? "push-token" : "pull-token"
        default:
            return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(
                string: #"{"details":"incorrect username or password"}"#)))
        }
        // The anonymous answer uses the OAuth2 member name, which clients must read too.
        let member = token == "anonymous-token" ? "access_token" : "token"
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"\#(member)":"\#(token)","expires_in":300}"#)))
    }

    /// nil when the bearer token grants `push` or pull on `repository`; otherwise the 401 with
    /// the challenge (`insufficient_scope` when a token was given but is not enough).
    private func authorize(_ request: Request, repository: String?, push: Bool) -> Response? {
        record(request)
        let given = request.headers[.authorization]
        let granted: Bool
        switch given {
        case "Bearer push-token": granted = repository == "team/app"
        case "Bearer pull-token": granted = !push && repository != "team/private"
        case "Bearer anonymous-token": granted = !push && repository != "team/private" && repository != nil
        default: granted = false
        }
        if granted { return nil }
        var challenge = #"Bearer realm="http://\#(request.head.authority ?? "")/token",service="double""#
        if let repository { challenge += #",scope="repository:\#(repository):\#(push ? "pull,push" : "pull")""# }
        if given != nil { challenge += #",error="insufficient_scope""# }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = challenge
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(
            string: #"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#)))
    }
}
