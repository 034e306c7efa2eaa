import Foundation
import Hummingbird
import NIOCore
import OIDCIssuer
import SigstoreKit
import Synchronization
import WireFormat

/// A real OIDC discovery and JWKS server on loopback, under the test's control, that records
/// every path it is asked for. Any path prefix is an issuer ("realm"): `GET {realm}/.well-known/
/// openid-configuration` names `{origin}{realm}` as the issuer (percent-decoded, so a look-alike
/// realm gets a discovery document naming the look-alike), and `GET {realm}/jwks` serves the
/// trusted keys for the realms listed in `trusted` (matched byte for byte) and the attacker's
/// keys for every other realm.
final class RecordingIssuerServer: Sendable {
    let port: Int
    let trusted: OIDCIssuer
    let attacker: OIDCIssuer
    let trustedRealms: [String]
    private let paths = Mutex<[String]>([])

    init(port: Int, trusted: OIDCIssuer, attacker: OIDCIssuer, trustedRealms: [String]) {
        self.port = port
        self.trusted = trusted
        self.attacker = attacker
        self.trustedRealms = trustedRealms
    }

    var origin: String { "http://127.0.0.1:\(port)" }
    /// The raw (percent-encoded) paths requested so far.
    var requestedPaths: [String] { paths.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("**") { request, _ -> Response in
            let raw = request.uri.path
            self.paths.withLock { $0.append(raw) }
            let decoded = raw.removingPercentEncoding ?? raw
            if let realm = Self.strip(decoded, suffix: "/.well-known/openid-configuration") {
                let rawRealm = Self.strip(raw, suffix: "/.well-known/openid-configuration") ?? raw
                return Self.json(["issuer": .string(self.origin + realm), "jwks_uri": .string(self.origin + rawRealm + "/jwks")])
            }
            if let realm = Self.strip(decoded, suffix: "/jwks") {
                let isTrusted = self.trustedRealms.containsExactly(realm)
                return Self.json(isTrusted ? await self.trusted.jwks() : await self.attacker.jwks())
            }
            return Response(status: .notFound)
        }
        return router
    }

    private static func strip(_ text: String, suffix: String) -> String? {
        guard text.hasExactSuffix(suffix) else { return nil }
        return String(decoding: text.utf8.dropLast(suffix.utf8.count), as: UTF8.self)
    }

    private static func json(_ value: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(value))))
    }
}
