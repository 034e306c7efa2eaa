import Foundation
import Hummingbird
import HummingbirdTesting
@testable import OIDCIssuer
import WireFormat

/// Shared keys (RSA generation is slow in debug builds, so it happens once) and helpers.
enum OIDCTestFixtures {
    static let rs256 = try! OIDCSigningKey.generateRS256()
    static let es256 = OIDCSigningKey.generateES256()

    static func issuer(now: @escaping @Sendable () -> Date = { Date() }, codeLifetime: TimeInterval = 60) -> OIDCIssuer {
        var configuration = OIDCIssuerConfiguration(issuerURL: "http://127.0.0.1:5556/")
        configuration.now = now
        configuration.authorizationCodeLifetime = codeLifetime
        return OIDCIssuer(configuration: configuration, keys: try! OIDCKeyRing(rs256: rs256, es256: es256))
    }

    static func app(_ issuer: OIDCIssuer) -> some ApplicationProtocol {
        Application(router: buildOIDCRouter(issuer: issuer),
                    configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONValue(parsing: Array(buffer: buffer))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// The claims of a compact JWS, unverified.
    static func claims(of token: String) throws -> JSONValue {
        let parts = token.split(separator: ".")
        var text = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return try JSONValue(parsing: Array(Data(base64Encoded: text)!))
    }

    static func header(of token: String) throws -> JSONValue {
        let parts = token.split(separator: ".")
        var text = String(parts[0]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return try JSONValue(parsing: Array(Data(base64Encoded: text)!))
    }
}

