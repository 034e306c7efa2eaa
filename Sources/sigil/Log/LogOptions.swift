import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// Options shared by the `sigil log` commands.
struct LogOptions: ParsableArguments {
    @Option(help: "Base URL of the log.")
    var logURL: String = "http://127.0.0.1:3000"

    @Option(help: "PEM public key of the log to verify against. Without it the key the log serves is used (trust on first use).")
    var logKey: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    var client: LogClient { LogClient(baseURL: logURL) }

    /// The log key to verify with: the pinned file, or (with a warning) the one the log serves.
    func verificationKey() async throws -> VerificationKey {
        if let logKey {
            guard let text = try? String(contentsOfFile: logKey, encoding: .utf8) else {
                throw CLIError("cannot read the log key file \(logKey)")
            }
            do { return try VerificationKey(pem: text) } catch { throw CLIError("\(logKey): \(error)") }
        }
        Output.note("warning: verifying with the key the log itself serves; pass --log-key to pin it")
        return try await client.publicKey()
    }
}
