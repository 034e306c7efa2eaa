import ServerSupport

/// `sigil-server ca`'s settings: listener, data folder, the CT log it submits to, where the issuer
/// list and certificate profile live, and overrides of the profile's lifetime and request limit.
struct CASettings {
    let common: CommonSettings
    var ctLogURL: String
    let issuersFile: String
    let certificateProfileFile: String
    let certificateLifetimeSeconds: Int?
    let maxRequestBytes: Int?

    static let keys: Set<String> = ["ctLogURL", "issuersFile", "certificateProfileFile", "certificateLifetimeSeconds", "maxRequestBytes"]
    static let defaultPort = 5555

    static func load(flags: ServerFlags, ctLogURL flagURL: String?) throws(ConfigurationError) -> Self {
        let common = try CommonSettings.load(server: "ca", known: keys, flags: flags, defaultPort: defaultPort)
        let reader = common.reader
        let lifetime: Int? = reader.has("certificateLifetimeSeconds")
            ? try reader.integer("certificateLifetimeSeconds", default: 600, range: 60...86_400) : nil
        let limit: Int? = reader.has("maxRequestBytes") ? try reader.integer("maxRequestBytes", default: 65_536, range: 1_024...(16 << 20)) : nil
        return CASettings(
            common: common,
            ctLogURL: try reader.url("ctLogURL", flag: ("ct-log-url", flagURL), default: "http://127.0.0.1:3000"),
            issuersFile: try reader.string("issuersFile", default: common.folder.caIssuers.path),
            certificateProfileFile: try reader.string("certificateProfileFile", default: common.folder.caProfile.path),
            certificateLifetimeSeconds: lifetime,
            maxRequestBytes: limit)
    }
}
