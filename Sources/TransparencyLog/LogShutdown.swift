import Logging
import ServiceLifecycle

/// The log's part in graceful shutdown, as a service that runs beside the HTTP server.
///
/// Listed before the HTTP server in a `ServiceGroup`, it is shut down after it: by then the server
/// has stopped accepting connections and answered its in-flight requests. It then lets each
/// sequencer commit and answer whatever is still queued, and closes the databases.
public struct LogShutdown: Service {
    private let sequencers: [(name: String, sequencer: Sequencer, store: any LogStore)]
    private let logger: Logger

    public init(service: LogService, ctLog: CTLogService?, rekorV2: RekorV2Log? = nil, logger: Logger) {
        var sequencers: [(String, Sequencer, any LogStore)] = [("transparency log", service.sequencer, service.store)]
        if let ctLog { sequencers.append(("CT log", ctLog.sequencer, ctLog.store)) }
        if let rekorV2 { sequencers.append(("Rekor v2 log", rekorV2.sequencer, rekorV2.store)) }
        self.sequencers = sequencers
        self.logger = logger
    }

    public func run() async throws {
        // Returns when shutdown starts, or throws if the task is cancelled outright.
        try? await gracefulShutdown()
        for (name, sequencer, store) in sequencers {
            await sequencer.shutdown()
            do {
                try store.close()
                logger.info("flushed and closed", metadata: ["log": "\(name)"])
            } catch {
                logger.error("closing the database failed", metadata: ["log": "\(name)", "error": "\(error)"])
            }
        }
    }
}
