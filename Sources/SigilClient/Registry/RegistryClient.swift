import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import WireFormat

/// The HTTP side of one registry: where it is (`RegistryOptions`' transport rule), who we are
/// (explicit credentials, else Docker's config file, else anonymous), and how requests travel.
///
/// - Authentication follows Docker's scheme: a request goes out anonymously first; on `401` the
///   `WWW-Authenticate` challenge decides: `Basic` retries with the credentials, `Bearer` fetches a
///   token for the request's scopes from the realm (with the credentials, when known) and
///   retries. The challenge is remembered, so later requests authenticate up front; tokens are
///   cached per scope set until they expire.
/// - Redirects (of `GET` and `HEAD` only) are followed by hand, at most `maximumRedirects` hops,
///   each hop allowed by `RegistryOptions.allows` (no downgrade to plain HTTP), and the
///   `Authorization` header goes only to the registry's own origin, never to the blob storage a
///   download is redirected to.
/// - Every answer is bounded: the response head must come within `headTimeout`, buffered bodies
///   within `bodyTimeout` and under the caller's size limit.
/// - No message, log line or description ever holds a password, an `auth` value or a token:
///   text from a server is escaped, cut and scrubbed of them before it is put in an error.
public struct RegistryClient: Sendable {
    /// The registry as references name it (`docker.io`, `127.0.0.1:5000`).
    public let registry: String
    let origin: RegistryOrigin
    let options: RegistryOptions
    let credentials: RegistryCredentials?
    /// Where `credentials` came from, for messages.
    let credentialSource: String?
    let http: HTTPClient
    let authenticator = RegistryAuthenticator()

    static let maximumRedirects = 5
    static let headTimeout: TimeAmount = .seconds(60)
    static let bodyTimeout: Duration = .seconds(120)
    /// The most of an error body read (for its message).
    static let errorBodyLimit = 64 << 10

    /// A client of `registry` (`host[:port]`; `docker.io` is Docker Hub). Reads the Docker
    /// config file and the CA file now, so a bad one is reported before any request.
    public init(registry: String, options: RegistryOptions = RegistryOptions()) throws(ImageStoreError) {
        let name = try RegistryReference.registryName(registry)
        let apiHost = RegistryHost(name.isExactly(RegistryReference.dockerHub) ? RegistryReference.dockerHubAPIHost : name)!
        self.registry = name
        self.origin = RegistryOrigin(scheme: options.scheme(for: apiHost), host: apiHost)
        self.options = options
        if let explicit = options.explicitCredentials(for: name) {
            credentials = explicit
            credentialSource = "--registry-username"
        } else if let path = options.dockerConfigPath, let stored = try DockerConfig(path: path).credentials(for: name) {
            credentials = stored
            credentialSource = "the Docker config file \(path)"
        } else {
            credentials = nil
            credentialSource = nil
        }
        http = try RegistryHTTPClients.client(caFile: options.caFile)
    }

    /// Checks that the registry answers the distribution API (`GET /v2/`) and accepts the
    /// credentials, if any: what `docker login` checks.
    public func ping() async throws(ImageStoreError) {
        let request = RegistryRequest(method: .GET, target: "/v2/", scopes: [], subject: "the API version check")
        let response = try await send(request, limit: Self.errorBodyLimit)
        guard (200..<300).contains(response.status) else { throw await failure(response, request) }
    }

    // MARK: Sending

    /// Sends `request` and reads the answer's body, at most `limit` bytes (more is an error).
    /// Authentication failures are thrown; every other status is the caller's to judge.
    func send(_ request: RegistryRequest, limit: Int) async throws(ImageStoreError) -> RegistryResponse {
        let response = try await open(request)
        let body = try await collect(response.body, limit: limit, what: request.subject)
        return RegistryResponse(status: response.status, headers: response.headers, body: body, url: response.url)
    }

    /// Sends `request` and returns once the answer's head is in; the caller reads the body.
    /// A repeatable request is sent again after a transient failure (`TransientFailure`); the
    /// last answer is returned whatever its status.
    func open(_ request: RegistryRequest) async throws(ImageStoreError) -> RegistryStreamingResponse {
        var attempt = 1
        while true {
            let response = try await openOnce(request)
            guard TransientFailure.retries(request, status: response.status, attempt: attempt),
                  let pause = TransientFailure.pause(after: attempt, retryAfter: response.headers.first(name: "Retry-After")) else {
                return response
            }
            _ = await drain(response)
            do { try await Task.sleep(for: pause) } catch {
                throw .registry("\(registry): \(request.subject) was cancelled")
            }
            attempt += 1
        }
    }

    /// One try of `open`: the request, answering an authentication challenge once.
    private func openOnce(_ request: RegistryRequest) async throws(ImageStoreError) -> RegistryStreamingResponse {
        let scopeKey = Self.scopeKey(request.scopes)
        var authorization = try await authorizationUpFront(for: request.scopes, scopeKey: scopeKey)
        var response = try await followingRedirects(request, authorization: authorization)
        guard response.status == 401 || response.status == 403, RegistryOrigin(url: response.url) == origin else { return response }

        let body = await drain(response)
        if response.status == 403 { throw await noAccess(request.scopes, body: body) }
        let challenge = AuthChallenge(headerValues: response.headers["WWW-Authenticate"])
        authorization = try await answer(challenge, for: request.scopes, scopeKey: scopeKey, previous: authorization, body: body)
        response = try await followingRedirects(request, authorization: authorization)
        guard response.status == 401 || response.status == 403, RegistryOrigin(url: response.url) == origin else { return response }

        let refusal = await drain(response)
        await authenticator.discard(scopeKey)
        if credentials == nil { throw await loginRequired(request.scopes, body: refusal) }
        if case .basic = challenge, response.status == 401 { throw await wrongCredentials(request.scopes, body: refusal) }
        throw await noAccess(request.scopes, body: refusal)
    }

    /// Sends `request` to its target and on through up to `maximumRedirects` redirects.
    private func followingRedirects(_ request: RegistryRequest, authorization: String?) async throws(ImageStoreError) -> RegistryStreamingResponse {
        var url = absoluteURL(request.target)
        for hop in 0...Self.maximumRedirects {
            guard let current = RegistryOrigin(url: url) else {
                throw .registry("\(registry): \(UntrustedText.quoted(url)) is not an http(s) URL")
            }
            if let problem = RequestURL.problem(url) { throw .registry("\(registry): \(problem)") }
            var outgoing = HTTPClientRequest(url: url)
            outgoing.method = request.method
            outgoing.headers.add(name: "User-Agent", value: "sigil")
            for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
            // Credentials go to the registry only, never to a host it redirects to.
            if let authorization, current == origin { outgoing.headers.add(name: "Authorization", value: authorization) }
            if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
            let response: HTTPClientResponse
            do { response = try await http.execute(outgoing, timeout: Self.headTimeout) } catch {
                let hint = error is NIOSSLError && options.caFile == nil ? " (a registry with a private CA: --registry-ca-file)" : ""
                throw .registry("cannot reach \(registry): \(ConnectionFailure.message(for: error, server: current.url, path: ""))" + hint)
            }
            let status = Int(response.status.code)
            let streaming = RegistryStreamingResponse(status: status, headers: response.headers, body: response.body, url: url)
            guard [301, 302, 303, 307, 308].contains(status), request.method == .GET || request.method == .HEAD else { return streaming }
            _ = await drain(streaming)
            guard hop < Self.maximumRedirects else {
                throw .registry("\(registry): \(request.subject) was redirected more than \(Self.maximumRedirects) times")
            }
            guard let location = response.headers.first(name: "Location"), let next = Self.resolve(location, against: url),
                  let target = RegistryOrigin(url: next) else {
                throw .registry("\(registry): \(request.subject) was redirected (HTTP \(status)) without a usable http(s) Location")
            }
            guard options.allows(target, from: current) else {
                throw .registry("\(registry): refusing the redirect of \(request.subject) from \(current) to \(target): plain HTTP is allowed only between loopback hosts or to a registry named with --allow-http-registry")
            }
            url = next
        }
        preconditionFailure("RegistryClient: the redirect loop returns or throws")
    }

    /// An API path on the registry, or an absolute URL as given.
    func absoluteURL(_ target: String) -> String {
        target.hasExactPrefix("/") ? origin.url + target : target
    }

    /// `location` (absolute, or relative as RFC 3986 §5.2 resolves it) against `base`.
    static func resolve(_ location: String, against base: String) -> String? {
        guard let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL) else { return nil }
        return resolved.absoluteURL.absoluteString
    }

    // MARK: Bodies

    /// Reads a body of at most `limit` bytes within `bodyTimeout`.
    func collect(_ body: HTTPClientResponse.Body, limit: Int, what: String) async throws(ImageStoreError) -> [UInt8] {
        let registry = registry
        let result = await withTaskGroup(of: Result<[UInt8], ImageStoreError>?.self) { group in
            group.addTask { await Self.read(body, limit: limit, what: what, registry: registry) }
            group.addTask {
                try? await Task.sleep(for: Self.bodyTimeout)
                return nil
            }
            let first = await group.next()!
            group.cancelAll()
            return first ?? .failure(.registry("\(registry) did not send \(what) within \(Self.bodyTimeout)"))
        }
        return try result.get()
    }

    private static func read(_ body: HTTPClientResponse.Body, limit: Int, what: String, registry: String) async -> Result<[UInt8], ImageStoreError> {
        var bytes: [UInt8] = []
        do {
            for try await chunk in body {
                guard bytes.count + chunk.readableBytes <= limit else {
                    return .failure(.registry("\(registry): \(what) is larger than \(limit) bytes, more than Sigil reads"))
                }
                bytes += chunk.readableBytesView
            }
        } catch {
            return .failure(.registry("\(registry): the connection broke while reading \(what): \(ConnectionFailure.message(for: error, server: registry, path: ""))"))
        }
        return .success(bytes)
    }

    /// Reads and drops what is left of a body (at most `errorBodyLimit` bytes are kept), so the
    /// connection can be reused; failures do not matter here.
    func drain(_ response: RegistryStreamingResponse) async -> [UInt8] {
        (try? await collect(response.body, limit: Self.errorBodyLimit, what: "an error body")) ?? []
    }

    // MARK: Messages

    /// The error for an answer the caller did not expect: its status and the registry's own
    /// error codes and messages, escaped, cut and scrubbed of secrets.
    func failure(_ response: RegistryResponse, _ request: RegistryRequest) async -> ImageStoreError {
        await failure(response, method: request.method, subject: request.subject)
    }

    func failure(_ response: RegistryResponse, method: HTTPMethod, subject: String) async -> ImageStoreError {
        let summary = await errorSummary(response.body)
        return .registry(await scrubbed("\(registry): \(method) of \(subject) failed with HTTP \(response.status)"
            + (summary.isEmpty ? "" : ": \(summary)")))
    }

    /// `text` with every credential and token this client knows replaced.
    func scrubbed(_ text: String) async -> String {
        var out = text
        for secret in await secrets() where !secret.isEmpty { out = out.replacingExactly(secret, with: "(redacted)") }
        return out
    }

    /// A registry's error body as a message: secrets replaced first, then escaped and cut.
    func errorSummary(_ body: [UInt8]) async -> String {
        RegistryErrorBody(body).redacting(await secrets()).summary
    }

    private func secrets() async -> [String] {
        (credentials?.secrets ?? []) + (await authenticator.grantedTokens)
    }
}

extension String {
    /// Every occurrence of `needle`'s UTF-8 bytes replaced, byte for byte (never by canonical
    /// equivalence, so no look-alike survives or is mangled).
    func replacingExactly(_ needle: String, with replacement: String) -> String {
        let haystack = Array(utf8), pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= haystack.count else { return self }
        var out: [UInt8] = []
        var k = 0
        while k < haystack.count {
            if k + pattern.count <= haystack.count, haystack[k..<(k + pattern.count)].elementsEqual(pattern) {
                out += replacement.utf8
                k += pattern.count
            } else {
                out.append(haystack[k])
                k += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
