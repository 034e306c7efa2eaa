import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil lifecycle set|show`: an image's lifecycle (active, superseded, end of life,
/// quarantined) as signed, logged attestations that refer to it. Images are never modified.
struct LifecycleGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecycle",
        abstract: "Record or show an image's lifecycle status (signed attestations attached as OCI referrers).",
        subcommands: [LifecycleSet.self, LifecycleShow.self])
}

struct LifecycleSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Record a lifecycle status for an image: a signed, logged statement attached as a referrer.",
        discussion: """
            The statement's predicate type is \(LifecycleStatement.predicateType); the status is also written to the
            referrer's annotations (dev.sigil.lifecycle.status, …) for tools that only read referrer listings. The newest
            properly signed statement wins (by log integrated time).
            Examples:
              sigil lifecycle set 127.0.0.1:5000/app@sha256:0123… --status quarantined --reason "scan pending"
              sigil lifecycle set ./app-layout:v1.2 --status quarantined --reason "CVE-2025-1234 under investigation"
              sigil lifecycle set ./app-layout:v1.2 --status superseded --superseded-by sha256:0123…
              sigil lifecycle set ./app-layout:v1.2 --status end-of-life --end-of-life 2025-12-31
            """)

    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @Option(help: "active, superseded, end-of-life or quarantined.")
    var status: String

    @Option(help: "The image that replaces this one: a digest, or a tag of the same repository or layout (status superseded).")
    var supersededBy: String?

    @Option(help: "When support ends or ended (2025-12-31 or RFC 3339); for end-of-life, default now.")
    var endOfLife: String?

    @Option(help: "Why, for the people reading it.")
    var reason: String?

    @OptionGroup var signing: SigningOptions

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        guard let parsedStatus = LifecycleStatement.Status(rawValue: status) else {
            throw ValidationError("--status must be one of \(LifecycleStatement.Status.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let opened = try await ImageInput.open(image, registry: registry)
        var successor: OCIDigest?
        if let supersededBy {
            let store = opened.store
            if let digest = OCIDigest(supersededBy) {
                successor = digest
            } else {
                successor = try await ImageInput.attempt(image) { try await store.resolve(.tag(supersededBy)).digest }
            }
        }
        if let successor, successor == opened.image.digest {
            throw ValidationError("--superseded-by names the image itself (\(successor)); an image cannot supersede itself")
        }
        let date = try endOfLife.map { try DateArgument.parse($0, option: "--end-of-life") }
        let statement: LifecycleStatement
        do { statement = try LifecycleStatement(status: parsedStatus, supersededBy: successor, endOfLife: date, reason: reason) } catch {
            throw CLIError("\(error)")
        }
        try await ImageInput.attempt(image) { try await opened.store.checkComplete(opened.image) }
        let target = opened.image, name = opened.subjectName
        let session = try await ImageReport.session(signing)
        try await ImageReport.run(opened, verb: "Recorded \(status) for", session: session, json: json) { signer in
            try await signer.attest([target], name: name, predicateType: LifecycleStatement.predicateType,
                                    predicate: statement.predicate, annotations: statement.annotations, in: opened.store)
        }
    }
}

struct LifecycleShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an image's lifecycle: the status in force and every statement, verified against an identity.",
        discussion: """
            Statements that do not verify against the identity (unsigned, someone else's, tampered) are listed as ignored.
            Example:
              sigil lifecycle show ./app-layout:v1.2 --certificate-identity ops@example.com \\
                --certificate-oidc-issuer http://127.0.0.1:5556
            """)

    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @Option(help: "Show the status in force at this time (default now).")
    var at: String?

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var identity: IdentityOptions

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    struct Entry: Encodable {
        let referrer: String
        let status: String
        let supersededBy: String?
        let endOfLife: String?
        let reason: String?
        let recorded: String
        let logIndex: Int64
        let signer: String
    }

    struct Report: Encodable {
        let image: String
        let at: String
        let current: Entry?
        let history: [Entry]
        let ignored: [String]
    }

    func run() async throws {
        let when = try at.map { try DateArgument.parse($0, option: "--at") } ?? Date()
        let verifier = ImageVerifier(trustedRoot: try await trust.load())
        let signer = try identity.signer()
        let opened = try await ImageInput.open(image, registry: registry)
        let verdicts: [ImageVerifier.Verdict]
        do { verdicts = try await verifier.verifyReferrers(of: opened.image, in: opened.store, signers: [signer]) } catch {
            throw CLIError("\(image): \(error)")
        }
        let history = LifecycleHistory(verdicts: verdicts)
        func entry(_ e: LifecycleHistory.Entry) -> Entry {
            Entry(referrer: e.referrer.description, status: e.statement.status.rawValue, supersededBy: e.statement.supersededBy?.description,
                  endOfLife: e.statement.endOfLife.map(RFC3339.format), reason: e.statement.reason, recorded: RFC3339.format(e.recorded),
                  logIndex: e.logIndex, signer: e.signer)
        }
        let report = Report(image: await opened.describe(opened.image), at: RFC3339.format(when), current: history.current(at: when).map(entry),
                            history: history.entries.map(entry),
                            ignored: history.ignored.map { "\($0.referrer)" + ($0.claimedStatus.map { " (claims \($0))" } ?? "") + ": \($0.reason)" })
        if json { try Output.json(report); return }
        print(report.image)
        if let current = report.current {
            print("  status at \(report.at): \(current.status) (log index \(current.logIndex), signer \(current.signer), recorded \(current.recorded))")
            if let reason = current.reason { print("    reason: \(reason)") }
            if let successor = current.supersededBy { print("    superseded by: \(successor)") }
            if let end = current.endOfLife { print("    end of life: \(end)") }
        } else {
            print("  status at \(report.at): active (no verified lifecycle statement)")
        }
        for e in report.history { print("  history: \(e.recorded) \(e.status) (log index \(e.logIndex), \(OCIDigest(e.referrer)?.short ?? e.referrer))") }
        for line in report.ignored { print("  ignored: \(line)") }
    }
}
