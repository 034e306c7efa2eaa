import ArgumentParser
import Foundation
import SigilClient

/// How the image commands reach registries: credentials (flags, else the Docker config file),
/// an extra CA, and which registries beyond loopback may be reached over plain HTTP.
struct RegistryAccessOptions: ParsableArguments {
    @Option(help: "Registry user name, with --registry-password-stdin; for the image's registry (copy: the destination's). Default: the Docker config file's credentials.")
    var registryUsername: String?

    @Flag(help: "Read the registry password (or token) from standard input.")
    var registryPasswordStdin = false

    @Option(help: "PEM file of CA certificates trusted for registries, besides the system's.")
    var registryCaFile: String?

    @Option(help: ArgumentHelp("Reach this registry (HOST[:PORT]) over plain HTTP, as Docker's insecure-registries; repeatable. Loopback registries use plain HTTP unless --registry-ca-file is given.", valueName: "host"))
    var allowHttpRegistry: [String] = []

    func validate() throws {
        if registryPasswordStdin != (registryUsername != nil) {
            throw ValidationError("--registry-username and --registry-password-stdin go together (the password is never a flag: it would show in the process list)")
        }
    }

    /// The settings for `RegistryStore`, with the explicit credentials bound to `registry` (the
    /// registry of the image they are for; nil when that image is a layout). Reads the password
    /// from standard input when asked to, so call this once.
    func options(credentialsFor registry: String?) throws -> RegistryOptions {
        var options = RegistryOptions(caFile: registryCaFile)
        options.plainHTTPRegistries = allowHttpRegistry
        if let registryUsername {
            guard let registry else { throw CLIError("--registry-username: the image is not in a registry") }
            var bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            // Bytes, not Characters: "\r\n" is one Character and would survive a Character trim.
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard !bytes.isEmpty else { throw CLIError("--registry-password-stdin: standard input held no password") }
            options.credentials = RegistryCredentials(username: registryUsername, password: String(decoding: bytes, as: UTF8.self))
            options.credentialsRegistry = registry
        }
        return options
    }
}
