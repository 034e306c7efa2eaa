import Foundation
import Logging
import ServerSupport

/// The settings every server reads the same way: which configuration file, the data folder, the
/// listener and the log level.
struct CommonSettings {
    let reader: SettingsReader
    let folder: DataFolder
    let listener: ListenerSettings
    let logLevel: Logger.Level

    static let keys: Set<String> = ListenerSettings.keys.union(["data", "logLevel"])

    /// - Parameters:
    ///   - server: `log`, `ca` or `oidc`: names the default file `<data>/config/<server>.json` and the
    ///     environment prefix `SIGIL_<SERVER>_`.
    static func load(server: String, known: Set<String>, flags: ServerFlags, defaultPort: Int,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Self {
        let prefix = "SIGIL_\(server.uppercased())_"
        let dataGuess = flags.data ?? environment[prefix + "DATA"] ?? "./.sigil"
        let file: String?
        if let explicit = flags.config ?? environment[prefix + "CONFIG"] {
            file = explicit
        } else {
            let candidate = DataFolder(path: dataGuess).serverConfig(server).path
            file = FileManager.default.fileExists(atPath: candidate) ? candidate : nil
        }
        let reader = try SettingsReader(file: file, known: known.union(keys), prefix: prefix, environment: environment)
        let data = try reader.string("data", flag: ("data", flags.data), default: "./.sigil")
        let levelName = try reader.choice("logLevel", default: "info", among: Logger.Level.allCases.map(\.rawValue))
        return CommonSettings(reader: reader, folder: DataFolder(path: data),
                              listener: try ListenerSettings.read(from: reader, defaultPort: defaultPort, host: flags.host, port: flags.port),
                              logLevel: Logger.Level(rawValue: levelName) ?? .info)
    }

    /// A start-up failure about a file in the data folder, naming the setting that chose the folder.
    func dataError(_ problem: String) -> ConfigurationError {
        ConfigurationError(source: reader.file ?? "settings", field: "data", problem: problem)
    }
}
