import ServerSupport
import TransparencyLog

/// `sigil-server log`'s settings: listener, data folder, batching and request limits.
struct LogSettings {
    let common: CommonSettings
    let queueCapacity: Int
    let maxBatch: Int
    let batchPeriodMilliseconds: Int
    let maxRequestBytes: Int
    let maxBulkItems: Int
    let hashCacheEntries: Int
    /// Where the logs live: SQLite files in the data folder, or a PostgreSQL database that several
    /// replicas may share.
    let storage: LogStorageSettings

    static let keys: Set<String> = Set(["queueCapacity", "maxBatch", "batchPeriodMilliseconds", "maxRequestBytes", "maxBulkItems",
                                        "hashCacheEntries"]).union(LogStorageSettings.keys)
    static let defaultPort = 3000

    /// Flags of `sigil-server log` that override single settings.
    struct Overrides {
        var queueCapacity: Int?
        var maxBatch: Int?
        var maxRequestBytes: Int?
    }

    static func load(flags: ServerFlags, overrides: Overrides) throws(ConfigurationError) -> Self {
        let common = try CommonSettings.load(server: "log", known: keys, flags: flags, defaultPort: defaultPort)
        let reader = common.reader
        let defaults = LogConfiguration()
        return LogSettings(
            common: common,
            queueCapacity: try reader.integer("queueCapacity", flag: ("queue-capacity", overrides.queueCapacity), default: defaults.sequencer.queueCapacity, range: 1...10_000_000),
            maxBatch: try reader.integer("maxBatch", flag: ("max-batch", overrides.maxBatch), default: defaults.sequencer.maxBatchSize, range: 1...100_000),
            batchPeriodMilliseconds: try reader.integer("batchPeriodMilliseconds", default: 0, range: 0...10_000),
            maxRequestBytes: try reader.integer("maxRequestBytes", flag: ("max-request-bytes", overrides.maxRequestBytes), default: defaults.maxRequestBytes, range: 1_024...(64 << 20)),
            maxBulkItems: try reader.integer("maxBulkItems", default: defaults.maxBulkItems, range: 1...100_000),
            hashCacheEntries: try reader.integer("hashCacheEntries", default: defaults.hashCacheCapacity, range: 0...(1 << 24)),
            storage: try LogStorageSettings.load(reader))
    }

    var logConfiguration: LogConfiguration {
        var configuration = LogConfiguration()
        configuration.maxRequestBytes = maxRequestBytes
        configuration.maxBulkItems = maxBulkItems
        configuration.hashCacheCapacity = hashCacheEntries
        configuration.sequencer = .init(queueCapacity: queueCapacity, maxBatchSize: maxBatch,
                                        batchPeriod: .milliseconds(batchPeriodMilliseconds))
        return configuration
    }
}
