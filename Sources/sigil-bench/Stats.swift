import ArgumentParser
import Foundation

/// Latency samples and their percentiles.
struct Samples {
    private(set) var values: [Double] = []

    mutating func add(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        values.append(Double(seconds) + Double(attoseconds) * 1e-18)
    }

    /// The p-th percentile (0...100), in seconds; nearest-rank on the sorted samples.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    var count: Int { values.count }
}

/// Formats seconds as µs with one decimal.
func micros(_ seconds: Double) -> String { String(format: "%.1f µs", seconds * 1e6) }

func rate(_ count: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(count) / seconds) }

func elapsed(_ start: ContinuousClock.Instant) -> Double {
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    return Double(seconds) + Double(attoseconds) * 1e-18
}

/// A scratch folder for one benchmark run, removed afterwards.
struct ScratchFolder {
    let url: URL

    init(_ name: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-bench-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

/// What the wrk script (`bench/wrk-post-entries.lua`) reports on its `JSON {...}` line.
struct WrkResult {
    let requests: Int
    let non2xx: Int
    let seconds: Double
    /// Latency percentiles in milliseconds.
    let p50: Double, p90: Double, p99: Double

    var succeeded: Int { requests - non2xx }

    init(output: String) throws {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("JSON ") }),
              let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(5).utf8)) as? [String: Int],
              let requests = json["requests"], let non2xx = json["non2xx"], let duration = json["duration_us"] else {
            throw ValidationError("could not read wrk's result:\n\(output)")
        }
        self.requests = requests
        self.non2xx = non2xx
        seconds = Double(duration) / 1e6
        p50 = Double(json["p50"] ?? 0) / 1000
        p90 = Double(json["p90"] ?? 0) / 1000
        p99 = Double(json["p99"] ?? 0) / 1000
    }
}
