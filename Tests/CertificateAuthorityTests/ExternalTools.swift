import Foundation
import TestSupport
import X509

/// Runs openssl and Python `cryptography` on issued certificates: independent X.509 stacks.
enum ExternalTools {
    struct Result { let status: Int32; let output: String }

    static func run(_ arguments: [String]) throws -> Result {
        let (status, output) = try runToCompletion("/usr/bin/env", arguments)
        return Result(status: status, output: output)
    }

    /// Writes the chain as root.pem / intermediate.pem / leaf.pem.
    static func write(_ chain: [Certificate], to directory: TemporaryDirectory) throws {
        for (name, certificate) in zip(["leaf.pem", "intermediate.pem", "root.pem"], chain) {
            try (certificate.serializeAsPEM().pemString + "\n").write(toFile: directory.path(name), atomically: true, encoding: .utf8)
        }
    }
}
