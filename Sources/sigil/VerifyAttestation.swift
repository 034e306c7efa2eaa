import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil verify-attestation FILE --bundle B`: everything `verify-blob` checks, for a DSSE
/// bundle, plus: the file's SHA-256 is a subject of the in-toto statement, the predicate type is
/// the expected one (`--type`), and the predicate passes the `--policy` rules. Prints a verdict
/// per check; exits non-zero if any fails.
struct VerifyAttestation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-attestation",
        abstract: "Verify a file's attestation bundle offline, its predicate type and optional predicate rules.",
        discussion: """
            The policy file is {"rules": [{"path": "a.b", "equals"|"notEquals"|"oneOf"|"matches"|"exists"|"min"|"max"|
            "allMatch"|"anyMatch"|"noneMatch": …}]}, paths relative to the predicate (see README).
            Examples:
              sigil verify-attestation app.tgz --bundle app.tgz.intoto.sigstore.json --type slsaprovenance1 \\
                --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:5556
              sigil verify-attestation app.tgz --bundle scan.json --type vuln --policy no-critical.json --key release.pub
            """)

    @Argument(help: "The file the attestation is about.")
    var file: String

    @Option(help: "The attestation bundle.")
    var bundle: String

    @Option(help: "The predicate type the statement must have: a short name or a URI.")
    var type: String?

    @Option(help: "A predicate policy file (JSON rules) the predicate must pass.")
    var policy: String?

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var identity: IdentityOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let expectedType = try type.map(PredicateInput.type)
        let rules = try policy.map { path in
            do { return try PredicatePolicy(parsing: try BundleFiles.read(path, what: "policy")) } catch let error as PolicyError {
                throw CLIError("\(path): \(error)")
            }
        }
        let (parsed, result) = try await VerifyBlob.verify(file: file, bundle: bundle, trust: trust, identity: identity)
        guard case .dsseEnvelope(let envelope) = parsed.content else {
            throw CLIError("\(bundle): the bundle holds a message signature, not an attestation; use verify-blob")
        }
        let statement: InTotoStatement
        do { statement = try InTotoStatement(parsing: envelope.payload) } catch { throw CLIError("\(bundle): \(error)") }
        // The verifier has already required the file's digest among the statement's subjects.
        var checks: [(String, Bool)] = []
        if let expectedType {
            checks.append(("predicate type is \(expectedType) (statement: \(statement.predicateType))", statement.predicateType.isExactly(expectedType)))
        }
        let verdicts = rules?.evaluate(statement.predicate ?? .null) ?? []
        checks += verdicts.map { ("\($0.rule) (actual: \($0.actual))", $0.passed) }
        let failed = checks.filter { !$0.1 }
        if json {
            try Output.json(Report(verified: failed.isEmpty, file: file, predicateType: statement.predicateType,
                                   logIndex: result.logEntries.first?.logIndex,
                                   checks: checks.map { .init(check: $0.0, passed: $0.1) }))
        } else {
            print("\(failed.isEmpty ? "Verified OK" : "FAILED"): \(file)")
            VerifyBlob.signerLines(result).forEach { print("  " + $0) }
            // Statement text is the signer's: escaped, so it cannot draw on the terminal.
            print("  predicate type: \(UntrustedText.escaped(statement.predicateType, limit: UntrustedText.valueLimit))")
            for (check, passed) in checks { print("  \(passed ? "PASS" : "FAIL") \(UntrustedText.escaped(check))") }
        }
        if !failed.isEmpty {
            throw CLIError("\(file): the attestation verified, but \(failed.count) check(s) failed: \(failed.map(\.0).joined(separator: "; "))")
        }
    }

    struct Report: Encodable {
        struct Check: Encodable { let check: String; let passed: Bool }
        let verified: Bool
        let file: String
        let predicateType: String
        let logIndex: Int64?
        let checks: [Check]
    }
}
