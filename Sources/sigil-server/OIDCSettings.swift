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
        let clientID = try reader.string("clientID", default: "sigstore")
        // Compared byte for byte with the client_id of every request, and echoed on the sign-in page.
        guard (1...128).contains(clientID.utf8.count), clientID.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ConfigurationError(source: reader.origin(of: "clientID", flag: nil, flagSet: false), field: "clientID",
                                     problem: "must be 1 to 128 printable ASCII characters without spaces")
        }
        return OIDCSettings(
            common: common,
            issuerURL: try reader.url("issuerURL", flag: ("issuer-url", flagURL), default: common.listener.localURL),
            tokenLifetimeSeconds: try reader.integer("tokenLifetimeSeconds", default: 600, range: 60...86_400),
            tokenClients: try reader.choice("tokenClients", default: "loopback", among: ["loopback", "any"]),
            clientID: clientID,
            authorizationCodeLifetimeSeconds: try reader.integer("authorizationCodeLifetimeSeconds", default: 60, range: 1...600))
    }
}
