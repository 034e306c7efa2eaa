import ServerSupport

/// `sigil-server oidc`'s settings: listener, data folder, the issuer URL put in tokens, token
/// lifetime, and which clients may mint tokens.
struct OIDCSettings {
    let common: CommonSettings
    let issuerURL: String
    let tokenLifetimeSeconds: Int
    let tokenClients: String

    static let keys: Set<String> = ["issuerURL", "tokenLifetimeSeconds", "tokenClients"]
    static let defaultPort = 5556

    static func load(flags: ServerFlags, issuerURL flagURL: String?) throws(ConfigurationError) -> Self {
        let common = try CommonSettings.load(server: "oidc", known: keys, flags: flags, defaultPort: defaultPort)
        let reader = common.reader
        return OIDCSettings(
            common: common,
            issuerURL: try reader.url("issuerURL", flag: ("issuer-url", flagURL), default: common.listener.localURL),
            tokenLifetimeSeconds: try reader.integer("tokenLifetimeSeconds", default: 600, range: 60...86_400),
            tokenClients: try reader.choice("tokenClients", default: "loopback", among: ["loopback", "any"]))
    }
}
