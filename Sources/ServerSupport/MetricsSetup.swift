import Metrics
import Prometheus

/// The process's metrics backend: one Prometheus registry behind swift-metrics, so Hummingbird's
/// request metrics and Sigil's own (log size, batch sizes, commit latency, certificates issued,
/// token rejections) land in the same `/metrics` exposition.
public enum MetricsSetup {
    /// Bootstraps swift-metrics once per process and returns the registry `/metrics` serves.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // swift-metrics labels use dots (`http.server.request.duration`); Prometheus allows only
        // [a-zA-Z0-9_:] in names and [a-zA-Z0-9_] in label names.
        factory.nameAndLabelSanitizer = { name, labels in
            (sanitize(name), labels.map { (sanitize($0.0), $0.1) })
        }
        // Sigil answers most requests in well under a millisecond; the default buckets start at 5 ms.
        let fine: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
                                .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]
        factory.defaultDurationHistogramBuckets = fine
        factory.valueHistogramBuckets["sigil_log_batch_entries"] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    static func sanitize(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
    }
}
