/// The settings files `init` writes into `<data>/config/`, holding every setting at its default so
/// operators see what they can change. Paths are left out: they default to files in the data
/// folder, which keeps the folder relocatable. So are the issuer URL, which follows the port unless
/// set, and the CA's `ctLogURL`, which `all` points at its own log wherever that listens (its
/// default elsewhere is the log's default address). The README documents each key.
enum ServerConfigDefaults {
    static let files: [(server: String, text: String)] = [
        ("log", """
            {
              "description": "sigil-server log settings; see README.md, Configuration",
              "host": "127.0.0.1",
              "port": 3000,
              "allowPlainHTTP": false,
              "headerTimeoutSeconds": 10,
              "bodyTimeoutSeconds": 30,
              "idleTimeoutSeconds": 60,
              "maxConnections": 4096,
              "logLevel": "info",
              "queueCapacity": 20000,
              "maxBatch": 2000,
              "batchPeriodMilliseconds": 0,
              "maxRequestBytes": 1048576,
              "maxBulkItems": 1000,
              "hashCacheEntries": 2097152
            }

            """),
        ("ca", """
            {
              "description": "sigil-server ca settings; see README.md, Configuration",
              "host": "127.0.0.1",
              "port": 5555,
              "allowPlainHTTP": false,
              "headerTimeoutSeconds": 10,
              "bodyTimeoutSeconds": 30,
              "idleTimeoutSeconds": 60,
              "maxConnections": 4096,
              "logLevel": "info"
            }

            """),
        ("oidc", """
            {
              "description": "sigil-server oidc settings (development issuer); see README.md, Configuration",
              "host": "127.0.0.1",
              "port": 5556,
              "allowPlainHTTP": false,
              "headerTimeoutSeconds": 10,
              "bodyTimeoutSeconds": 30,
              "idleTimeoutSeconds": 60,
              "maxConnections": 4096,
              "logLevel": "info",
              "tokenLifetimeSeconds": 600,
              "tokenClients": "loopback"
            }

            """),
    ]
}
