import Logging
import Prometheus
import ServerSupport

/// Process-wide set-up shared by the server commands: JSON-lines logging at each server's level,
/// and the Prometheus registry behind swift-metrics that every `/metrics` serves.
enum ServerRuntime {
    /// Call once, after settings are loaded and before any server is built.
    static func bootstrap(levels: [String: Logger.Level]) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { label in
            JSONLogHandler(label: label, level: levels[label] ?? levels.values.min() ?? .info)
        }
        return MetricsSetup.bootstrap()
    }
}
