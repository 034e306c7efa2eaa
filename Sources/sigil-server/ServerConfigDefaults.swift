import SigstoreKit
import WireFormat

/// The settings files `init` writes into `<data>/config/`, holding every setting at its default so
/// operators see what they can change, and each server's port as this folder was initialised for
/// it, so that a restart without flags or environment listens where the trust files send clients.
/// Paths are left out: they default to files in the data folder, which keeps the folder
/// relocatable. The issuer URL is written only when it does not follow from the issuer's port, and
/// the CA's `ctLogURL` only when the log is on this machine (under `all` it then names that
/// process's own log, which the CA reaches in process). The README documents each key.
enum ServerConfigDefaults {
    static func files(for endpoints: Initialiser.Endpoints) -> [(server: String, settings: JSONValue)] {
        [("log", .object(listener("log", port: endpoints.ports.log).merging(log) { $1 })),
         ("ca", .object(listener("ca", port: endpoints.ports.ca).merging(ca(endpoints)) { $1 })),
         ("oidc", .object(listener("oidc (development issuer)", port: endpoints.ports.oidc).merging(oidc(endpoints)) { $1 })),
         ("tsa", .object(listener("tsa (timestamp authority)", port: endpoints.ports.tsa).merging(tsa) { $1 }))]
    }

    /// The settings every server has.
    private static func listener(_ server: String, port: Int) -> [String: JSONValue] {
        ["description": .string("sigil-server \(server) settings; see README.md, Configuration"),
         "host": "127.0.0.1", "port": .integer(Int64(port)), "allowPlainHTTP": false,
         "headerTimeoutSeconds": 10, "bodyTimeoutSeconds": 30, "idleTimeoutSeconds": 60, "maxConnections": 4096,
         "logLevel": "info"]
    }

    private static let log: [String: JSONValue] = [
        "queueCapacity": 20000, "maxBatch": 2000, "batchPeriodMilliseconds": 0, "maxRequestBytes": 1_048_576,
        "maxBulkItems": 1000, "hashCacheEntries": 2_097_152,
    ]

    private static let tsa: [String: JSONValue] = ["maxRequestBytes": 4096]

    private static func ca(_ endpoints: Initialiser.Endpoints) -> [String: JSONValue] {
        guard let log = ServiceURL(endpoints.log), log.isLoopback else { return [:] }
        return ["ctLogURL": .string(endpoints.log)]
    }

    private static func oidc(_ endpoints: Initialiser.Endpoints) -> [String: JSONValue] {
        var settings: [String: JSONValue] = ["tokenLifetimeSeconds": 600, "tokenClients": "loopback",
                                             "clientID": "sigstore", "authorizationCodeLifetimeSeconds": 60]
        // The issuer's default URL is http://127.0.0.1:<port>; any other must be written, or tokens
        // would name an issuer the CA's list and the trust files do not.
        if !endpoints.oidc.isExactly("http://127.0.0.1:\(endpoints.ports.oidc)") { settings["issuerURL"] = .string(endpoints.oidc) }
        return settings
    }
}
