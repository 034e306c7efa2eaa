import Foundation
import Hummingbird
import Prometheus
import WireFormat

/// The routes every Sigil server adds for its operators:
/// - `GET /healthz`: liveness; the process answers HTTP.
/// - `GET /readyz`: readiness; 200 when every check holds, else 503, with each check's verdict as JSON.
/// - `GET /metrics`: the Prometheus text exposition of the process's metrics.
public struct OperationsRoutes: Sendable {
    public let checks: [ReadinessCheck]
    public let metrics: PrometheusCollectorRegistry?

    public init(checks: [ReadinessCheck], metrics: PrometheusCollectorRegistry?) {
        self.checks = checks
        self.metrics = metrics
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ in await readiness() }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
    }

    private func readiness() async -> Response {
        var verdicts: [String: JSONValue] = [:]
        var ready = true
        for check in checks {
            if let report = check.report {
                verdicts[check.name] = .string(await report())
            } else if let failure = await check.probe() {
                ready = false
                verdicts[check.name] = .string(failure)
            } else {
                verdicts[check.name] = .string("ok")
            }
        }
        let body: JSONValue = .object(["status": .string(ready ? "ready" : "not ready"), "checks": .object(verdicts)])
        return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(body))))
    }
}
