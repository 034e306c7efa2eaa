import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WireFormat

/// Docker's authentication scheme (CNCF distribution `docs/spec/auth/token.md`): challenges,
/// the token request, and the messages for each way it can fail.
extension RegistryClient {
    /// The most of a token answer read.
    static let tokenBodyLimit = 1 << 20

    /// The scope set as one cache key.
    static func scopeKey(_ scopes: [RegistryScope]) -> String {
        Set(scopes.map(\.text)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: " ")
    }

    /// What to send before any challenge of this request: nothing until the registry has
    /// challenged once; then the credentials (Basic) or a token for the scopes (Bearer).
    func authorizationUpFront(for scopes: [RegistryScope], scopeKey: String) async throws(ImageStoreError) -> String? {
        switch await authenticator.challenge {
        case nil: return nil
        case .basic: return credentials?.basicAuthorization
        case .bearer(let realm, let service, _, _):
            if let token = await authenticator.token(for: scopeKey) { return "Bearer " + token }
            return "Bearer " + (try await fetchToken(realm: realm, service: service, scopes: scopes.map(\.text), scopeKey: scopeKey))
        }
    }

    /// The `Authorization` to retry with after a 401 carrying `challenge`, or the error when
    /// retrying cannot help.
    func answer(_ challenge: AuthChallenge?, for scopes: [RegistryScope], scopeKey: String, previous: String?,
                body: [UInt8]) async throws(ImageStoreError) -> String {
        guard let challenge else {
            throw credentials == nil ? await loginRequired(scopes, body: body) : await wrongCredentials(scopes, body: body)
        }
        await authenticator.remember(challenge)
        switch challenge {
        case .basic:
            guard let credentials else { throw await loginRequired(scopes, body: body) }
            // The credentials were sent and refused: sending them again cannot help.
            if let previous, previous.isExactly(credentials.basicAuthorization) { throw await wrongCredentials(scopes, body: body) }
            return credentials.basicAuthorization
        case .bearer(let realm, let service, let scope, let error):
            if previous != nil, error?.isExactly("insufficient_scope") == true { throw await noAccess(scopes, body: body) }
            await authenticator.discard(scopeKey)
            var wanted = scopes.map(\.text)
            if let scope, !wanted.containsExactly(scope) { wanted.append(scope) }
            return "Bearer " + (try await fetchToken(realm: realm, service: service, scopes: wanted, scopeKey: scopeKey))
        }
    }

    /// Asks the realm for a token: `GET realm?service=…&scope=…` with the credentials (Basic), when
    /// known; reads `token` (or `access_token`) and `expires_in` from the JSON answer.
    func fetchToken(realm: String, service: String?, scopes: [String], scopeKey: String) async throws(ImageStoreError) -> String {
        guard let realmOrigin = RegistryOrigin(url: realm) else {
            throw .registry("\(registry) names a token realm that is not an http(s) URL: \(UntrustedText.quoted(realm))")
        }
        guard options.allows(realmOrigin, from: origin) else {
            throw .registry("\(registry) names a token realm over plain HTTP (\(realmOrigin)); refusing to send credentials there unless it is named with --allow-http-registry")
        }
        var query: [String] = []
        if let service { query.append("service=" + Self.percentEncoded(service)) }
        for scope in scopes { query.append("scope=" + Self.percentEncoded(scope)) }
        var url = realm
        if !query.isEmpty { url += (realm.containsByte(UInt8(ascii: "?")) ? "&" : "?") + query.joined(separator: "&") }

        if let problem = RequestURL.problem(url) { throw .registry("the token server of \(registry): \(problem)") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: "sigil")
        request.headers.add(name: "Accept", value: "application/json")
        if let credentials { request.headers.add(name: "Authorization", value: credentials.basicAuthorization) }
        let head: HTTPClientResponse
        do { head = try await http.execute(request, timeout: Self.headTimeout) } catch {
            throw .registry("cannot reach the token server of \(registry): \(ConnectionFailure.message(for: error, server: realmOrigin.url, path: ""))")
        }
        let body = try await collect(head.body, limit: Self.tokenBodyLimit, what: "the token answer")
        let asked = scopes.compactMap(RegistryScope.parse)
        switch head.status.code {
        case 200: break
        case 401: throw credentials == nil ? await loginRequired(asked, body: body) : await wrongCredentials(asked, body: body)
        case 403: throw await noAccess(asked, body: body)
        default:
            let summary = await errorSummary(body)
            throw .registry(await scrubbed("the token server of \(registry) (\(realmOrigin)) answered HTTP \(head.status.code)"
                + (summary.isEmpty ? "" : ": \(summary)")))
        }
        guard let json = try? JSONValue(parsing: body),
              let token = json["token"]?.stringValue ?? json["access_token"]?.stringValue, !token.isEmpty else {
            throw .registry("the token server of \(registry) (\(realmOrigin)) answered without a token")
        }
        var lifetime = RegistryAuthenticator.defaultLifetime
        if let seconds = json["expires_in"]?.integerValue, seconds > 0 { lifetime = .seconds(min(seconds, 86_400)) }
        await authenticator.store(token, for: scopeKey, lifetime: lifetime)
        return token
    }

    /// RFC 3986 unreserved characters kept, every other byte `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte.isASCIIAlphanumeric || "-._~".utf8.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }

    // MARK: Messages (never with a secret; see `scrubbed`)

    /// "push access to host/repo": the strongest access the request needed.
    private func access(_ scopes: [RegistryScope]) -> String {
        (scopes.first(where: \.push) ?? scopes.first)?.access(on: registry) ?? "access to \(registry)"
    }

    private func reason(_ body: [UInt8]) async -> String {
        let summary = await errorSummary(body)
        return summary.isEmpty ? "" : " (the registry says: \(summary))"
    }

    func loginRequired(_ scopes: [RegistryScope], body: [UInt8]) async -> ImageStoreError {
        let config = options.dockerConfigPath.map { "the Docker config file \($0)" } ?? "a Docker config file"
        return .unauthorized(await scrubbed(
            "\(registry) requires logging in for \(access(scopes)): give --registry-username with --registry-password-stdin, "
                + "or log in with docker login (\(config) has no credentials for \(registry))" + reason(body)))
    }

    func wrongCredentials(_ scopes: [RegistryScope], body: [UInt8]) async -> ImageStoreError {
        let who = credentials.map { "user \(JSONError.quoted($0.username))" } ?? "anonymous access"
        let source = credentialSource.map { " (from \($0))" } ?? ""
        return .unauthorized(await scrubbed(
            "\(registry) refused the credentials of \(who)\(source) for \(access(scopes)): wrong credentials, or an expired password or token"
                + reason(body)))
    }

    func noAccess(_ scopes: [RegistryScope], body: [UInt8]) async -> ImageStoreError {
        let who = credentials.map { "user \(JSONError.quoted($0.username))" } ?? "anonymous access"
        return .unauthorized(await scrubbed("\(who) has no \(access(scopes))" + reason(body)))
    }
}
