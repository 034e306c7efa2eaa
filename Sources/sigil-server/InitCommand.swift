import ArgumentParser

/// `sigil-server init`: create keys, the log database and trust files in a new data folder.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data folder: the log's signing key (0600) and its empty database.",
        discussion: "Example: sigil-server init --data ./.sigil")

    @OptionGroup var options: DataOptions
    @Option(help: "The log's name: the checkpoint origin is \"<name> - <tree ID>\".")
    var logName: String = "sigil-log"

    func run() throws {
        let folder = DataFolder(path: options.data)
        try folder.initialise(logName: logName)
        print("Initialised \(folder.root.path)")
        print("  log public key: \(folder.logPublicKey.path)")
        print("  log database:   \(folder.logDatabase.path)")
    }
}
