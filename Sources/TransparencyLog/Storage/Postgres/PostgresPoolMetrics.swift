import Metrics

/// What the log's PostgreSQL connection pool reports through swift-metrics: its size, how many of
/// its connections write transactions (sequenced batches, schema work) hold now, how long they
/// waited for one, and how many failed. A wait that grows while `in_use` sits at the pool size
/// means the pool is too small for the load (`postgresPoolSize`).
struct PostgresPoolMetrics: Sendable {
    let size: Gauge
    let inUse: Meter
    let wait: Metrics.Timer
    let failures: Counter

    init(poolSize: Int) {
        size = Gauge(label: "sigil_log_postgres_pool_connections")
        inUse = Meter(label: "sigil_log_postgres_transactions_in_progress")
        wait = Metrics.Timer(label: "sigil_log_postgres_connection_wait_seconds", preferredDisplayUnit: .seconds)
        failures = Counter(label: "sigil_log_postgres_transaction_failures_total")
        size.record(poolSize)
    }
}
