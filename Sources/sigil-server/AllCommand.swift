import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TransparencyLog

/// `sigil-server all`: every server in one process, initialising the data folder on first run.
struct AllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Run every Sigil server on loopback (log :3000), initialising the data folder on first run.",
        discussion: "Example: sigil-server all --data ./.sigil")

    @OptionGroup var options: DataOptions
    @Option(help: "Port of the transparency log.") var logPort: Int = 3000

    func run() async throws {
        let folder = DataFolder(path: options.data)
        let logger = Logger(label: "sigil")
        if !FileManager.default.fileExists(atPath: folder.logDatabase.path) {
            try folder.initialise(logName: "sigil-log")
            logger.info("initialised data folder", metadata: ["path": "\(folder.root.path)"])
        }
        var logOptions = try LogServerOptions.parse([])
        logOptions.port = logPort
        let service = try logOptions.openService(folder: folder)
        let logApp = buildLogApplication(service: service, host: "127.0.0.1", port: logPort, logger: Logger(label: "sigil.log"))
        let group = ServiceGroup(services: [logApp], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        print("""
            Sigil is running:
              transparency log  http://127.0.0.1:\(logPort)   (public key: \(folder.logPublicKey.path))
            Try: sigil log info --log-url http://127.0.0.1:\(logPort)
            """)
        try await group.run()
    }
}
