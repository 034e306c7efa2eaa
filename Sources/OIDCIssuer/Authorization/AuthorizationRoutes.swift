import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerSupport
import WireFormat

/// `GET /authorize` (the sign-in page), `POST /authorize` (the page's form) and the
/// `grant_type=authorization_code` form of `POST /token`. Pages are HTML with `Cache-Control:
/// no-store`; a refused authorization request gets an error page and never a redirect.
enum AuthorizationRoutes {
    /// The form posts back to the page's own path, relative, so it works through whatever host
    /// name the browser reached the issuer by (a container's published port, a proxy).
    static let formAction = "authorize"

    /// Form bodies and queries are tiny; anything bigger is not a sign-in.
    static let maxFormBytes = 16 * 1024

    static func signInPage(issuer: OIDCIssuer, request: Request, context: OIDCRequestContext) -> Response {
        do {
            try requireLoopback(issuer, context)
            let authorization = try AuthorizationRequest(parameters(query: request.uri.query),
                                                         expectedClientID: issuer.configuration.clientID)
            return html(SignInPage.form(action: formAction, request: authorization))
        } catch {
            return errorPage(error)
        }
    }

    static func signIn(issuer: OIDCIssuer, request: Request, context: OIDCRequestContext) async -> Response {
        let authorization: AuthorizationRequest
        let form: FormFields
        do {
            try requireLoopback(issuer, context)
            form = try await readForm(request)
            authorization = try AuthorizationRequest(form, expectedClientID: issuer.configuration.clientID)
        } catch {
            return errorPage(error)
        }
        let identity: SignInIdentity
        do { identity = try SignInIdentity(form) } catch {
            // The request itself is fine: show the form again with what was wrong and what was typed.
            return html(SignInPage.form(action: formAction, request: authorization,
                                        email: form["email"].map { String($0.prefix(SignInIdentity.maxEmailLength)) } ?? "",
                                        subject: form["subject"].map { String($0.prefix(SignInIdentity.maxSubjectLength)) } ?? "",
                                        problem: error.description), status: .badRequest)
        }
        let code = await issuer.issueCode(for: authorization, identity: identity)
        switch authorization.redirectURI {
        case .outOfBand:
            return html(SignInPage.outOfBandCode(code))
        case .loopback(let uri):
            var location = uri + "?code=" + percentEncoded(code)
            if let state = authorization.state { location += "&state=" + percentEncoded(state) }
            var headers = pageHeaders
            headers[.location] = location
            return Response(status: .seeOther, headers: headers)
        }
    }

    /// The code exchange of `POST /token`; `form` is already read (its `grant_type` chose this path).
    static func exchange(issuer: OIDCIssuer, form: FormFields, request: Request) async throws -> Response {
        let exchange = try CodeExchangeRequest(form: form, authorization: request.headers[.authorization])
        let tokens = try await issuer.redeem(exchange)
        let headers: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]
        return JSONReply.canonical([
            "access_token": .string(tokens.accessToken), "id_token": .string(tokens.idToken),
            "token_type": "Bearer", "expires_in": .integer(Int64(tokens.expiresIn)), "scope": .string(tokens.scope),
        ], headers: headers)
    }

    private static func requireLoopback(_ issuer: OIDCIssuer, _ context: OIDCRequestContext) throws(AuthorizationError) {
        guard issuer.configuration.mintsForAnyClient || isLoopback(context.remoteAddress) else { throw .notLoopback }
    }

    private static func parameters(query: String?) throws(AuthorizationError) -> FormFields {
        let text = query ?? ""
        guard text.utf8.count <= maxFormBytes else { throw .tooLong(parameter: "query", limit: maxFormBytes) }
        do { return try FormFields(body: Array(text.utf8)) } catch { throw .invalidParameter(name: "query", reason: error.description) }
    }

    private static func readForm(_ request: Request) async throws -> FormFields {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: maxFormBytes) } catch {
            throw AuthorizationError.tooLong(parameter: "form", limit: maxFormBytes)
        }
        do { return try FormFields(body: Array(buffer: body)) } catch {
            throw AuthorizationError.invalidParameter(name: "form", reason: error.description)
        }
    }

    /// RFC 3986 unreserved characters stay; every other byte is percent-encoded, so a state with
    /// ` +/=&?` comes back to the client exactly as it was sent.
    static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte.isASCIIAlphanumeric || Array("-._~".utf8).contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static var pageHeaders: HTTPFields {
        [.cacheControl: "no-store", .xFrameOptions: "DENY",
         .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
         .referrerPolicy: "no-referrer"]
    }

    private static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = pageHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    private static func errorPage(_ error: any Error) -> Response {
        let status: HTTPResponse.Status = (error as? AuthorizationError) == .notLoopback ? .forbidden : .badRequest
        let message = (error as? AuthorizationError)?.description ?? "the request could not be read"
        return html(SignInPage.error(message), status: status)
    }
}

private extension HTTPField.Name {
    static let pragma = Self("Pragma")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// How a refused code exchange leaves `POST /token`: RFC 6749 §5.2's `error` and
/// `error_description`, next to Sigil's usual `code` and `message`.
extension AuthorizationError: JSONResponseError {
    public var status: HTTPResponse.Status {
        switch self {
        case .invalidClient: .unauthorized
        case .notLoopback: .forbidden
        default: .badRequest
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONReply.canonical([
            "error": .string(oauthCode), "error_description": .string(description),
            "code": .integer(Int64(status.code)), "message": .string(description),
        ], status: status, headers: [.cacheControl: "no-store"])
    }
}
