import ArgumentParser
import Crypto
import Foundation
import SigstoreKit
import WireFormat

/// `sigil log search`: find entries by artifact, identity or key.
struct LogSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find entries by artifact hash, signer identity (SAN) or public key.",
        discussion: """
            Every entry found is fetched and its inclusion proof, checkpoint and SET are verified before
            it is listed, so an index that points at entries the log cannot prove is an error.
            Examples:
              sigil log search --artifact release.tar.gz
              sigil log search --sha256 9f86d081884c7d65...
              sigil log search --identity alice@example.com
              sigil log search --public-key cosign.pub
            """)

    @OptionGroup var options: LogOptions
    @Option(help: "A file whose SHA-256 to search for.") var artifact: String?
    @Option(help: "An artifact SHA-256 in hex.") var sha256: String?
    @Option(help: "A certificate identity (email or URI SAN).") var identity: String?
    @Option(help: "A PEM public key or certificate file.") var publicKey: String?
    @Flag(help: "Require every criterion to match (default: any).") var all = false

    func run() async throws {
        var query: [String: JSONValue] = [:]
        if let artifact {
            guard let data = FileManager.default.contents(atPath: artifact) else { throw CLIError("cannot read \(artifact)") }
            query["hash"] = .string("sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        }
        if let sha256 { query["hash"] = .string("sha256:" + sha256.lowercased()) }
        if let identity { query["subject"] = .string(identity) }
        if let publicKey {
            guard let data = FileManager.default.contents(atPath: publicKey) else { throw CLIError("cannot read \(publicKey)") }
            query["publicKey"] = .object(["format": .string("x509"), "content": .string(StrictBase64.encode(data))])
        }
        guard !query.isEmpty else { throw ValidationError("give at least one of --artifact, --sha256, --identity, --public-key") }
        if all { query["operator"] = .string("and") }
        let uuids = try await options.client.search(.object(query))
        if !uuids.isEmpty {
            let key = try await options.verificationKey()
            for uuid in uuids {
                let (id, entry) = try await options.client.entry(uuid: uuid)
                do { _ = try LogEntryVerification.verify(entry, entryID: id, logKey: key) } catch {
                    throw CLIError("the log's answer for entry \(uuid) does not verify: \(error)")
                }
            }
        }
        if options.json { return try Output.json(uuids) }
        if uuids.isEmpty { print("No entries found.") }
        for uuid in uuids { print(uuid) }
    }
}
