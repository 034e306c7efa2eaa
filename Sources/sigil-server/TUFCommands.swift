import ArgumentParser
import Foundation
import SigstoreKit
import TransparencyLog
import WireFormat

/// `--tuf-key FILE`: TUF private keys kept offline, brought for one command.
struct TUFKeyOptions: ParsableArguments {
    @Option(name: .customLong("tuf-key"), help: ArgumentHelp("A TUF private key (PEM) kept outside the data folder, to sign with this once; repeatable.",
                                                             valueName: "file"))
    var files: [String] = []

    func load() throws -> [SigningKey] {
        try files.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ServerError("--tuf-key \(path): cannot read the file") }
            do throws(TUFError) { return try TUFKeyFiles.signingKey(pem: data, file: path) } catch {
                throw ServerError("--tuf-key \(error.message)")
            }
        }
    }
}

/// `sigil-server tuf`: the TUF repository that distributes the trust files.
struct TUFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tuf",
        abstract: "Create, publish to and inspect the TUF repository served at <log URL>/tuf.",
        discussion: """
            `init` creates the repository for the data folder (done by `sigil-server init` for new folders).
            The log server signs the timestamp, snapshot and targets again before they expire, and
            `rotate` publishes changed trust files; `publish` does it by hand (e.g. with an offline targets key).
            """,
        subcommands: [TUFInit.self, TUFPublish.self, TUFStatus.self])
}

/// `sigil-server tuf init`: a repository for a data folder made before TUF existed.
struct TUFInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the TUF repository of an existing data folder.")

    @OptionGroup var options: DataOptions
    @Option(help: "TUF roles file (default tuf/roles.json if present, else the standard settings; see tuf/README.md).")
    var tufConfig: String?

    func run() throws {
        let folder = DataFolder(path: options.data)
        guard FileManager.default.fileExists(atPath: folder.trustedRoot.path) else {
            throw ServerError("\(folder.trustedRoot.path) is missing: run `sigil-server init --data \(folder.root.path)` first")
        }
        do {
            _ = try TUFRepository.create(directory: folder.tufDirectory, privateKeys: folder.tufKeys,
                                         settings: try TUFSettingsFile.text(option: tufConfig), files: try folder.tufTargets())
        } catch let error as TUFError { throw ServerError("tuf init: \(error.message)") }
        print("Created the TUF repository in \(folder.tufDirectory.path)")
        print("  give users \(folder.tufRepository().published.path)/1.root.json; the instance URL is <log URL>/tuf")
    }
}

/// `sigil-server tuf publish`: the current trust files as new targets.
struct TUFPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish the data folder's current trust files as new TUF targets.")

    @OptionGroup var options: DataOptions
    @OptionGroup var keys: TUFKeyOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        let repository = folder.tufRepository(extraKeys: try keys.load())
        do throws(TUFError) {
            let changed = try repository.publish(files: { try folder.tufTargets() })
            let version = try repository.state().targets.version
            print(changed ? "Published targets version \(version)" : "The published targets (version \(version)) already are the current trust files")
        } catch { throw ServerError("tuf publish: \(error.message)") }
    }
}

/// `sigil-server tuf status`: versions and expiry of each role.
struct TUFStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show each TUF role's version, expiry and signing keys.")

    @OptionGroup var options: DataOptions

    func run() throws {
        let folder = DataFolder(path: options.data)
        let repository = folder.tufRepository()
        do {
            let state = try repository.state()
            let settings = try repository.settings()
            for (role, metadata) in [(TUFRole.root, state.root), (.targets, state.targets), (.snapshot, state.snapshot), (.timestamp, state.timestamp)] {
                let assignment = settings.role(role)
                let present = try assignment.keys.filter { try repository.keys.privateKey(named: $0) != nil }
                print("\(role.rawValue): version \(metadata.version), expires \(RFC3339.format(metadata.expires)), "
                      + "threshold \(state.rootContent.roles[role]!.threshold), keys here: \(present.isEmpty ? "none" : present.joined(separator: ", "))")
            }
        } catch let error as TUFError { throw ServerError("tuf status: \(error.message)") }
    }
}

/// The three `rotate tuf-*` commands: new keys for some roles, a new root (N+1) signed by the old
/// and new root keys, and the roles those keys sign re-signed.
protocol TUFKeyRotation: ParsableCommand {
    var options: DataOptions { get }
    var keys: TUFKeyOptions { get }
    static var roles: [TUFRole] { get }
}

extension TUFKeyRotation {
    func run() throws {
        let folder = DataFolder(path: options.data)
        let repository = folder.tufRepository(extraKeys: try keys.load())
        do throws(TUFError) {
            let settings = try repository.settings()
            var names: [String] = []
            for role in Self.roles { for name in settings.role(role).keys where !names.contains(name) { names.append(name) } }
            try repository.rotate(keys: names, now: Date())
            let state = try repository.state()
            print("Rotated the TUF keys \(names.joined(separator: ", ")): published \(state.root.version).root.json, "
                  + "signed by the previous root's keys and the new ones")
            print("Old private keys are in \(folder.tufKeys.path)/retired; clients follow on their next refresh")
        } catch { throw ServerError("rotate: \(error.message)") }
    }
}

/// `sigil-server rotate tuf-root`.
struct RotateTUFRoot: TUFKeyRotation {
    static let configuration = CommandConfiguration(
        commandName: "tuf-root",
        abstract: "New TUF root keys; publishes N+1.root.json signed by the old and the new root keys.",
        discussion: "Also how an edited tuf/roles.json (thresholds, key names) reaches the published root.")
    static let roles: [TUFRole] = [.root]
    @OptionGroup var options: DataOptions
    @OptionGroup var keys: TUFKeyOptions
}

/// `sigil-server rotate tuf-targets`.
struct RotateTUFTargets: TUFKeyRotation {
    static let configuration = CommandConfiguration(
        commandName: "tuf-targets", abstract: "New TUF targets keys; a new root lists them and the targets are signed again.")
    static let roles: [TUFRole] = [.targets]
    @OptionGroup var options: DataOptions
    @OptionGroup var keys: TUFKeyOptions
}

/// `sigil-server rotate tuf-online`.
struct RotateTUFOnline: TUFKeyRotation {
    static let configuration = CommandConfiguration(
        commandName: "tuf-online", abstract: "New snapshot and timestamp keys; a new root lists them and both roles are signed again.")
    static let roles: [TUFRole] = [.snapshot, .timestamp]
    @OptionGroup var options: DataOptions
    @OptionGroup var keys: TUFKeyOptions
}
