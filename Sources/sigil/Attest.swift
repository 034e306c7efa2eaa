import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil attest FILE --predicate P.json --type T`: an in-toto Statement v1 about the file
/// (subject: its base name and SHA-256), in a DSSE envelope signed keylessly or with `--key`,
/// logged as a `dsse` entry; writes a bundle v0.3 with `dsseEnvelope` once it verifies.
struct Attest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Attest a file: sign an in-toto statement (DSSE) about it and log it; writes a Sigstore bundle.",
        discussion: """
            --type takes cosign's short names (\(PredicateTypes.shortNameList))
            or any absolute predicate-type URI. The bundle goes to FILE.intoto.sigstore.json unless --bundle is given,
            so it does not replace the FILE.sigstore.json of sign-blob.
            Examples:
              sigil attest app.tgz --predicate provenance.json --type slsaprovenance1 --trust-config .sigil/trust_config.json
              sigil attest app.tgz --predicate scan.json --type vuln --key release.key
            """)

    @Argument(help: "The file the statement is about.")
    var file: String

    @OptionGroup var predicate: PredicateOptions

    @Option(help: "Where to write the bundle (default FILE.intoto.sigstore.json).")
    var bundle: String?

    @OptionGroup var signing: SigningOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let output = bundle ?? file + ".intoto.sigstore.json"
        try BundleOutput.check(output, against: [("file being attested", file), ("predicate", predicate.predicate)])
        let (predicateType, predicateValue) = try predicate.read()
        do {
            let digest = try ArtifactDigest(fileAt: file)
            let name = URL(fileURLWithPath: file).lastPathComponent
            let statement = try PredicateInput.statement(subject: .init(name: name, sha256: digest.bytes), type: predicateType,
                                                         predicate: predicateValue)
            let result = try await signing.session().sign(.statement(statement))
            try BundleWriter.write(result.bundle, to: output)
            Output.notices(of: [result])
            if json {
                try Output.json(SignReport(result, bundle: output))
            } else {
                print("Attested \(file) (\(predicateType)) as \(SigningOptions.describe(result.identity)); \(SignBlob.describeLogging(result))")
                print("Wrote bundle to \(output)")
            }
        } catch let error as SigningError {
            throw CLIError(error.description)
        }
    }
}

/// `--predicate` and `--type` of the attesting commands.
struct PredicateOptions: ParsableArguments {
    @Option(help: "The predicate: a JSON object in a file.")
    var predicate: String

    @Option(help: "Predicate type: a short name or an absolute URI.")
    var type: String = "custom"

    /// The predicate type URI and the predicate, or a clear error before anything is signed.
    func read() throws -> (type: String, predicate: JSONValue) {
        (try PredicateInput.type(type), try PredicateInput.read(predicate))
    }
}

/// Reading predicate types and predicate files.
enum PredicateInput {
    static func type(_ value: String) throws -> String {
        do { return try PredicateTypes.resolve(value) } catch { throw CLIError("--type: \(error)") }
    }

    /// The predicate file: one JSON object.
    static func read(_ path: String) throws -> JSONValue {
        let bytes = try BundleFiles.read(path, what: "predicate")
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch { throw CLIError("\(path): the predicate is not valid JSON: \(error)") }
        guard value.objectValue != nil else { throw CLIError("\(path): the predicate must be a JSON object") }
        return value
    }

    static func statement(subject: InTotoStatement.Subject, type: String, predicate: JSONValue) throws -> InTotoStatement {
        do { return try InTotoStatement(subjects: [subject], predicateType: type, predicate: predicate) } catch { throw CLIError("\(error)") }
    }
}
