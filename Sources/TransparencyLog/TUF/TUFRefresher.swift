import Foundation
import Logging
import ServiceLifecycle
import SigstoreKit
import Synchronization

/// Keeps the TUF repository's signatures current while the log server runs: signs each role again
/// before it expires (the timestamp every day or so, by default), and publishes the trust files
/// again if they changed while no one published them. Wakes when the next signable role falls
/// due, and at least every `maximumSleep` to notice changed trust files; a role it cannot sign
/// (keys offline) is warned about once per `warningInterval`, not retried in a loop.
public final class TUFRefresher: Service, Sendable {
    let repository: TUFRepository
    /// The files to publish as targets (the data folder's current trust files), read under the
    /// repository's lock.
    let files: @Sendable () throws -> [String: [UInt8]]
    let logger: Logger
    let maximumSleep: Duration
    let warningInterval: TimeInterval
    /// The last roles file that could be read, and when each warning was last logged.
    private let memory = Mutex<(settings: TUFRoleSettings?, warned: [String: Date])>((nil, [:]))

    public init(repository: TUFRepository, files: @escaping @Sendable () throws -> [String: [UInt8]], logger: Logger,
                maximumSleep: Duration = .seconds(60), warningInterval: TimeInterval = 600) {
        self.repository = repository
        self.files = files
        self.logger = logger
        self.maximumSleep = maximumSleep
        self.warningInterval = warningInterval
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
            let renewal = try repository.refresh(files: files, fallback: memory.withLock { $0.settings }, now: now)
            if !renewal.renewed.isEmpty {
                logger.info("TUF metadata signed again", metadata: ["roles": "\(renewal.renewed.map { $0.rawValue }.joined(separator: ","))"])
            }
            let due = memory.withLock { state -> [String] in
                if renewal.warnings.isEmpty { state.settings = renewal.settings }
                let due = renewal.warnings.filter { now.timeIntervalSince(state.warned[$0] ?? .distantPast) >= warningInterval }
                for warning in due { state.warned[warning] = now }
                return due
            }
            for warning in due { logger.warning("TUF repository", metadata: ["problem": "\(warning)"]) }
            let untilDue = renewal.nextDue.timeIntervalSince(now)
            return min(maximumSleep, .milliseconds(Int64(max(1, untilDue) * 1000)))
        } catch {
            logger.error("TUF refresh failed", metadata: ["error": "\(error)"])
            return maximumSleep
        }
    }
}
