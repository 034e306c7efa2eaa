import Foundation
import SigstoreKit

/// Finds the OIDC identity token for keyless signing, in this order (DESIGN.md §1, sigstore-spec
/// E.3): the `--identity-token` value (a JWT, or the path of a file holding one), then the
/// `SIGSTORE_ID_TOKEN` environment variable, then ambient GitHub Actions credentials
/// (`ACTIONS_ID_TOKEN_REQUEST_URL` + `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, audience `sigstore`).
/// The first source that is present wins; a present but unusable token is an error rather than
/// a silent fall-through, so a CI job never signs as an identity it did not mean.
public struct IdentityTokenSource: Sendable {
    /// Where the token came from (for messages; never the token itself).
    public enum Origin: String, Sendable, Equatable {
        case argument = "--identity-token"
        case environment = "SIGSTORE_ID_TOKEN"
        case githubActions = "GitHub Actions"
    }

    public static let environmentVariable = "SIGSTORE_ID_TOKEN"
    public static let actionsURLVariable = "ACTIONS_ID_TOKEN_REQUEST_URL"
    public static let actionsTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"

    public let explicitToken: String?
    public let environment: [String: String]
    public let audience: String

    public init(explicitToken: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                audience: String = "sigstore") {
        self.explicitToken = explicitToken
        self.environment = environment
        self.audience = audience
    }

    /// The token and where it came from.
    public func resolve() async throws(TokenError) -> (token: IdentityToken, origin: Origin) {
        if let explicitToken {
            return (try IdentityToken(try Self.tokenOrFile(explicitToken)), .argument)
        }
        if let value = environment[Self.environmentVariable] {
            guard !value.isEmpty else { throw .none("\(Self.environmentVariable) is set but empty") }
            return (try IdentityToken(value), .environment)
        }
        if let url = environment[Self.actionsURLVariable], let bearer = environment[Self.actionsTokenVariable] {
            let jwt = try await GitHubActionsTokenProvider(requestURL: url, requestToken: bearer).fetch(audience: audience)
            return (try IdentityToken(jwt), .githubActions)
        }
        throw .none("pass --identity-token, set \(Self.environmentVariable), or run in GitHub Actions with `permissions: id-token: write`")
    }

    /// cosign accepts a token or a file holding one: a value naming an existing file is read
    /// from it (a JWT is never a plausible path), anything else is the token itself.
    static func tokenOrFile(_ value: String) throws(TokenError) -> String {
        guard FileManager.default.fileExists(atPath: value) else { return value }
        guard let data = FileManager.default.contents(atPath: value), let text = String(data: data, encoding: .utf8) else {
            throw .none("cannot read the identity token file \(value)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Asks the GitHub Actions runner for an ID token (sigstore-spec E.1):
/// `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore` with `Authorization: bearer $TOKEN`,
/// answering `{"value": JWT}`. Transient failures are retried twice, as cosign does.
public struct GitHubActionsTokenProvider: Sendable {
    public let requestURL: String
    let requestToken: String

    public init(requestURL: String, requestToken: String) {
        self.requestURL = requestURL
        self.requestToken = requestToken
    }

    public func fetch(audience: String) async throws(TokenError) -> String {
        // The runner's URL already carries a query string, hence `&`; tolerate one that does not.
        let separator = requestURL.contains("?") ? "&" : "?"
        let url = requestURL + separator + "audience=" + (audience.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? audience)
        var transport = HTTPTransport(baseURL: url)
        transport.timeout = .seconds(10)
        var lastProblem = "no attempt"
        for attempt in 0..<3 {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(200 * attempt)) }
            do {
                let answer = try await transport.send(.GET, "", headers: [("Authorization", "bearer \(requestToken)")])
                if answer.status >= 500 { lastProblem = "the token endpoint answered HTTP \(answer.status)"; continue }
                struct Value: Decodable { let value: String }
                guard let value = try? transport.decode(Value.self, from: answer, path: "").value, !value.isEmpty else {
                    throw TokenError.ambient("the token endpoint answered HTTP \(answer.status) without a \"value\" token")
                }
                return value
            } catch let error as TokenError {
                throw error
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw .ambient(lastProblem)
    }
}
