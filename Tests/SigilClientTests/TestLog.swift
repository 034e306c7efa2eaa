import Foundation
import Hummingbird
import SigilClient
import SigstoreKit
import TestSupport
import TransparencyLog

/// A real Sigil transparency log (SQLite in a temporary folder) served live on loopback, and the
/// trusted-root entry that names its key.
final class TestLog: Sendable {
    let directory = TemporaryDirectory()
    let signingKey = SigningKey.generateP256()
    let server: LiveServer
    let service: LogService

    init() async throws {
        let store = try LogService.createStore(path: directory.path("log.sqlite"), signingKey: signingKey, name: "sigil-test-log")
        var configuration = LogConfiguration()
        configuration.name = "sigil-test-log"   // must be the name the store's checkpoints were signed under
        service = try await LogService(store: store, signingKey: signingKey, configuration: configuration)
        server = try await LiveServer.start(buildLogRouter(service: service))
    }

    var client: LogClient { LogClient(baseURL: server.url) }

    /// The log as a trusted root lists it.
    var instance: TransparencyLogInstance {
        TransparencyLogInstance(baseURL: server.url, key: signingKey.verificationKey, keyDetails: "PKIX_ECDSA_P256_SHA_256",
                                validFor: TimeRange(start: Date().addingTimeInterval(-3600)))
    }

    func stop() async { await server.stop() }
}
