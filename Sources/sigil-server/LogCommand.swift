import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TransparencyLog

/// `sigil-server log`: the transparency log alone.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Run the transparency log (Rekor v1 API, tlog-tiles) from an initialised data folder.",
        discussion: "Example: sigil-server log --data ./.sigil --port 3000")

    @OptionGroup var options: DataOptions
    @OptionGroup var server: LogServerOptions

    func run() async throws {
        let folder = DataFolder(path: options.data)
        let logger = Logger(label: "sigil.log")
        let service = try server.openService(folder: folder)
        let app = buildLogApplication(service: service, host: server.host, port: server.port, logger: logger)
        logger.info("transparency log listening", metadata: ["address": "\(server.host):\(server.port)",
                                                             "treeSize": "\(service.treeHead.treeSize)"])
        try await app.runService()
    }
}

/// Options of the log server.
struct LogServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 3000
    @Option(help: "Most entries waiting to be sequenced before new ones get 503.") var queueCapacity: Int = 20_000
    @Option(help: "Most entries committed in one transaction.") var maxBatch: Int = 2_000
    @Option(help: "Largest request body in bytes (larger answer 413).") var maxRequestBytes: Int = 1 << 20

    func openService(folder: DataFolder) throws -> LogService {
        let key = try folder.loadLogKey()
        let store: SQLiteLogStore
        do {
            store = try SQLiteLogStore.open(path: folder.logDatabase.path)
        } catch {
            throw ServerError("\(error)")
        }
        var configuration = LogConfiguration()
        configuration.name = folder.loadLogName()
        configuration.maxRequestBytes = maxRequestBytes
        configuration.sequencer = .init(queueCapacity: queueCapacity, maxBatchSize: maxBatch)
        do {
            return try LogService(store: store, signingKey: key, configuration: configuration)
        } catch {
            throw ServerError("refusing to start the log: \(error)")
        }
    }
}
