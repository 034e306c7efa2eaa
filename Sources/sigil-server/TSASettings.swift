import ServerSupport

/// `sigil-server tsa`'s settings: listener, data folder and the request size limit.
struct TSASettings {
    let common: CommonSettings
    let maxRequestBytes: Int

    static let keys: Set<String> = ["maxRequestBytes"]
    static let defaultPort = 5557

    static func load(flags: ServerFlags) throws(ConfigurationError) -> Self {
        let common = try CommonSettings.load(server: "tsa", known: keys, flags: flags, defaultPort: defaultPort)
        return TSASettings(common: common,
                           maxRequestBytes: try common.reader.integer("maxRequestBytes", default: 4096, range: 256...(1 << 20)))
    }
}
