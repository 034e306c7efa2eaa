import ArgumentParser
import Foundation
import SigilClient

/// How the image commands reach registries: credentials (flags, else the Docker config file),
/// an extra CA, and whether plain HTTP may be used beyond loopback.
struct RegistryAccessOptions: ParsableArguments {
    @Option(help: "Registry user name (the password is read with --registry-password-stdin); default: the Docker config file's credentials.")
    var registryUsername: String?

    @Flag(help: "Read the registry password (or token) from standard input.")
    var registryPasswordStdin = false

    @Option(help: "PEM file of CA certificates trusted for registries, besides the system's.")
    var registryCaFile: String?

    @Flag(help: "Allow plain HTTP to registries that are not on loopback (loopback registries use HTTP unless --registry-ca-file is given).")
    var allowHttpRegistry = false

    func validate() throws {
        if registryPasswordStdin != (registryUsername != nil) {
            throw ValidationError("--registry-username and --registry-password-stdin go together (the password is never a flag: it would show in the process list)")
        }
    }

    /// The settings for `RegistryStore`; reads the password from standard input when asked to.
    func options() throws -> RegistryOptions {
        var options = RegistryOptions(caFile: registryCaFile, transport: allowHttpRegistry ? .plainHTTPUnsafe : .automatic)
        if let registryUsername {
            var password = ""
            if registryPasswordStdin {
                var bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
                // Bytes, not Characters: "\r\n" is one Character and would survive a Character trim.
                while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
                password = String(decoding: bytes, as: UTF8.self)
                guard !password.isEmpty else { throw CLIError("--registry-password-stdin: standard input held no password") }
            }
            options.credentials = RegistryCredentials(username: registryUsername, password: password)
        }
        return options
    }
}
