import Foundation
import Hummingbird
import Logging
import NIOCore
import ServerSupport
import WireFormat

/// The development issuer's HTTP routes (DESIGN.md §7):
/// - `GET /.well-known/openid-configuration`, `GET /jwks` — the plain issuer;
/// - `POST /token` (loopback only) — mint a token for a subject/email, or with
///   `grant_type=authorization_code` redeem a code from the sign-in page (RFC 6749 §4.1.3);
/// - `GET /authorize`, `POST /authorize` (loopback only) — the sign-in page of the authorization-code
///   flow with PKCE S256, for loopback and out-of-band redirect URIs (`AuthorizationRoutes`);
/// - `GET /actions/.well-known/openid-configuration`, `GET /actions/jwks` — the Actions issuer;
/// - `POST /actions/jobs` (loopback only) — register an emulated job;
/// - `GET /actions/token?api-version=2.0&audience=…` with `Authorization: Bearer T` — `{"value": JWT}`.
/// Tokens are never logged.
public func buildOIDCRouter(issuer: OIDCIssuer, logger: Logger = Logger(label: "sigil.oidc"),
                            middleware prepare: (Router<OIDCRequestContext>) -> Void = { _ in }) -> Router<OIDCRequestContext> {
    logger.warning("development OIDC issuer: it mints tokens for any identity; never trust it in production",
                   metadata: ["issuer": .string(issuer.configuration.issuerURL)])
    let router = Router(context: OIDCRequestContext.self)
    prepare(router)
    router.add(middleware: InternalErrorMiddleware(logger: logger))
    router.get("/.well-known/openid-configuration") { _, _ in JSONReply.canonical(issuer.discoveryDocument(actions: false)) }
    router.get("/jwks") { _, _ in JSONReply.canonical(await issuer.jwks()) }
    router.post("/token") { request, context in
        try await tokenEndpoint(issuer: issuer, request: request, context: context)
    }
    router.get("/authorize") { request, context in
        AuthorizationRoutes.signInPage(issuer: issuer, request: request, context: context)
    }
    router.post("/authorize") { request, context in
        await AuthorizationRoutes.signIn(issuer: issuer, request: request, context: context)
    }
    router.get("/actions/.well-known/openid-configuration") { _, _ in JSONReply.canonical(issuer.discoveryDocument(actions: true)) }
    router.get("/actions/jwks") { _, _ in JSONReply.canonical(await issuer.jwks()) }
    router.post("/actions/jobs") { request, context in
        try await registerJobEndpoint(issuer: issuer, request: request, context: context)
    }
    router.get("/actions/token") { request, _ in
        try await actionsTokenEndpoint(issuer: issuer, request: request)
    }
    return router
}

/// Form bodies are tiny; anything bigger than this is not a token request.
private let maxFormBytes = 64 * 1024

private func readForm(_ request: Request, context: OIDCRequestContext, issuer: OIDCIssuer) async throws -> FormFields {
    guard issuer.configuration.mintsForAnyClient || isLoopback(context.remoteAddress) else { throw OIDCIssuerError.notLoopback }
    let body = try await request.body.collect(upTo: maxFormBytes)
    return try FormFields(body: Array(buffer: body))
}

private func tokenEndpoint(issuer: OIDCIssuer, request: Request, context: OIDCRequestContext) async throws -> Response {
    guard issuer.configuration.mintsForAnyClient || isLoopback(context.remoteAddress) else { throw AuthorizationError.notLoopback }
    let form: FormFields
    do { form = try await readForm(request, context: context, issuer: issuer) } catch let error as OIDCIssuerError {
        throw AuthorizationError.invalidParameter(name: "form", reason: error.description)
    }
    // No grant_type is the script form (DESIGN.md §7); anything else must be the code exchange.
    if let grantType = form["grant_type"] {
        guard grantType.isExactly("authorization_code") else { throw AuthorizationError.unsupportedGrantType }
        return try await AuthorizationRoutes.exchange(issuer: issuer, form: form, request: request)
    }
    var extra: [String: JSONValue] = [:]
    if let text = form["claims"] {
        guard let parsed = try? JSONValue(parsing: Array(text.utf8)), let object = parsed.objectValue else {
            throw OIDCIssuerError.invalidField(name: "claims", reason: "not a JSON object")
        }
        extra = object
    }
    var algorithm = OIDCSigningKey.Algorithm.es256
    if let name = form["alg"] {
        guard let chosen = OIDCSigningKey.Algorithm(rawValue: name) else {
            throw OIDCIssuerError.invalidField(name: "alg", reason: "expected RS256 or ES256")
        }
        algorithm = chosen
    }
    let token = try await issuer.mintToken(
        subject: form["subject"], email: form["email"], audience: form["audience"] ?? "sigstore",
        claims: extra, algorithm: algorithm)
    return JSONReply.canonical([
        "id_token": .string(token), "access_token": .string(token),
        "token_type": "Bearer", "expires_in": .integer(Int64(issuer.configuration.tokenLifetime)),
    ])
}

private func registerJobEndpoint(issuer: OIDCIssuer, request: Request, context: OIDCRequestContext) async throws -> Response {
    let form = try await readForm(request, context: context, issuer: issuer)
    let credentials = try await issuer.registerJob(form: form)
    return JSONReply.canonical([
        "ACTIONS_ID_TOKEN_REQUEST_URL": .string(reachable(credentials.requestURL, by: request)),
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": .string(credentials.requestToken),
    ])
}

/// The request URL as the registering client reached this server: a runner on the host of a
/// container network registers through a published port, while the issuer URL names the service
/// inside the network, which the host cannot resolve. Tokens keep the configured issuer.
private func reachable(_ url: String, by request: Request) -> String {
    guard let authority = request.head.authority, !authority.isEmpty,
          var components = URLComponents(string: url), let scheme = components.scheme,
          let reached = URLComponents(string: "\(scheme)://\(authority)"), let host = reached.host else { return url }
    components.host = host
    components.port = reached.port
    return components.string ?? url
}

private func actionsTokenEndpoint(issuer: OIDCIssuer, request: Request) async throws -> Response {
    guard let bearer = BearerToken(headers: request.headers) else { throw OIDCIssuerError.unknownJobToken }
    let audience = request.uri.queryParameters.get("audience")
    let token = try await issuer.actionsToken(requestToken: bearer.value, audience: audience)
    return JSONReply.canonical(["count": 1, "value": .string(token)])
}
