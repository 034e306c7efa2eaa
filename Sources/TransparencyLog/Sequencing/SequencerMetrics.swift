import Metrics

/// What the sequencer reports through swift-metrics: the tree size, how many entries each commit
/// carried, and each entry's time from submission to durable commit. `log` tells the transparency
/// log (`rekor`) from the CT log (`ct`) when both run in one process.
struct SequencerMetrics: Sendable {
    let treeSize: Gauge
    let batchEntries: Recorder
    let commitLatency: Metrics.Timer

    init(log: String) {
        let dimensions = [("log", log)]
        treeSize = Gauge(label: "sigil_log_tree_size", dimensions: dimensions)
        batchEntries = Recorder(label: "sigil_log_batch_entries", dimensions: dimensions, aggregate: true)
        commitLatency = Metrics.Timer(label: "sigil_log_commit_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }
}
