import Foundation
import Logging
import ServiceLifecycle
import SigstoreKit

/// Keeps the TUF repository's signatures current while the log server runs: signs each role again
/// before it expires (the timestamp every day or so, by default), and publishes the trust files
/// again if they changed while no one published them. Wakes when the next role falls due, and at
/// least every `maximumSleep` to notice changed trust files.
public struct TUFRefresher: Service {
    let repository: TUFRepository
    /// The files to publish as targets (the data folder's current trust files).
    let files: @Sendable () throws -> [String: [UInt8]]
    let logger: Logger
    var maximumSleep: Duration = .seconds(60)

    public init(repository: TUFRepository, files: @escaping @Sendable () throws -> [String: [UInt8]], logger: Logger) {
        self.repository = repository
        self.files = files
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let wait = refreshOnce(now: Date())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }

    /// One refresh; returns how long to sleep before the next.
    func refreshOnce(now: Date) -> Duration {
        do {
            let renewal = try repository.refresh(files: try files(), now: now)
            if !renewal.renewed.isEmpty {
                logger.info("TUF metadata signed again", metadata: ["roles": "\(renewal.renewed.map(\.rawValue).joined(separator: ","))"])
            }
            for warning in renewal.warnings { logger.warning("TUF repository", metadata: ["problem": "\(warning)"]) }
            let untilDue = renewal.nextDue.timeIntervalSince(now)
            return min(maximumSleep, .milliseconds(Int64(max(1, untilDue) * 1000)))
        } catch {
            logger.error("TUF refresh failed", metadata: ["error": "\(error)"])
            return maximumSleep
        }
    }
}
