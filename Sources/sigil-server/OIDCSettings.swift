import ServerSupport

/// `sigil-server oidc`'s settings: listener, data folder, the issuer URL put in tokens, token
/// lifetime, which clients may mint tokens, and the authorization-code flow's client and code lifetime.
struct OIDCSettings {
    let common: CommonSettings
    let issuerURL: String
    let tokenLifetimeSeconds: Int
    let tokenClients: String
    let clientID: String
    let authorizationCodeLifetimeSeconds: Int

    static let keys: Set<String> = ["issuerURL", "tokenLifetimeSeconds", "tokenClients", "clientID", "authorizationCodeLifetimeSeconds"]
    static let defaultPort = 5556

    static func load(flags: ServerFlags, issuerURL flagURL: String?) throws(ConfigurationError) -> Self {
        let common = try CommonSettings.load(server: "oidc", known: keys, flags: flags, defaultPort: defaultPort)
        let reader = common.reader
        return OIDCSettings(
            common: common,
            issuerURL: try reader.url("issuerURL", flag: ("issuer-url", flagURL), default: common.listener.localURL),
            tokenLifetimeSeconds: try reader.integer("tokenLifetimeSeconds", default: 600, range: 60...86_400),
            tokenClients: try reader.choice("tokenClients", default: "loopback", among: ["loopback", "any"]),
            clientID: try reader.string("clientID", default: "sigstore"),
            authorizationCodeLifetimeSeconds: try reader.integer("authorizationCodeLifetimeSeconds", default: 60, range: 1...600))
    }
}
