import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil copy SRC DST [--policy FILE]`: copies an image with everything attached to it between
/// any two stores; with a policy, the promotion gate (quarantine → production).
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy an image and every referrer (signatures, attestations, lifecycle statements) between registries and layouts.",
        discussion: """
            An index is copied with each platform manifest it lists; referrers are copied recursively (a signature over an
            attestation too). Between two repositories of one registry, blobs are mounted, not transferred. The
            destination's tag (or index.json entry) is written last, so a failed copy never leaves the image tagged
            (referrers already copied stay listed: they are findable only from the image's digest).
            With --policy, the same gate as `policy check` runs on SRC first and nothing is written to DST when it fails:
            the quarantine pattern.
            Examples:
              sigil copy 127.0.0.1:5000/quarantine/app@sha256:0123… 127.0.0.1:5000/prod/app:v1.2 --policy promote.json
              sigil copy ./app-layout:v1.2 registry.example.com/team/app:v1.2
              sigil copy 127.0.0.1:5000/app:v1.2 ./backup-layout:v1.2
            """)

    @Argument(help: "The image to copy: HOST[:PORT]/REPO[:TAG][@sha256:<hex>], or a layout ./DIR[…] or oci:DIR[…].")
    var source: String

    @Argument(help: "Where to: HOST[:PORT]/REPO[:TAG] or a layout ./DIR[:tag] (the tag defaults to the source's).")
    var destination: String

    @Option(help: "A deployment policy SRC must pass before anything is written (see `policy check`).")
    var policy: String?

    @Option(help: "Judge the policy as of this time (2025-06-30 or RFC 3339; default now).")
    var at: String?

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    struct Result: Encodable {
        let source: String
        let destination: String
        let digest: String
        let manifests: Int
        let referrers: [String]
        let bytes: Int64
        let blobs: Int
        let policy: PolicyCheck.Report?
    }

    func validate() throws {
        if at != nil, policy == nil { throw ValidationError("--at only goes with --policy") }
    }

    func run() async throws {
        let target = try ImageInput.attempt(destination) { try ImageReference(parsing: destination) }
        if case .registry(let reference) = target, reference.digest != nil {
            throw ValidationError("\(destination): the destination must name a tag, not a digest (the digest is the source's)")
        }
        var gate: PolicyCheck.Report?
        var gatePolicy: DeploymentPolicy?
        if let policy {
            do { gatePolicy = try DeploymentPolicy.load(path: policy) } catch { throw CLIError("\(error)") }
        }
        let root = policy == nil ? nil : try await trust.load()
        let source = try ImageInput.attempt(self.source) { try ImageReference(parsing: self.source) }
        // Explicit credentials are the destination's (a push needs them); a source on another
        // registry uses the Docker config file, never the destination's password.
        let options = try registry.options(credentialsFor: target.registry ?? source.registry)
        let opened = try await ImageInput.open(self.source, reference: source, options: options)
        if let gatePolicy, let root, let policy {
            let when = try at.map { try DateArgument.parse($0, option: "--at") } ?? Date()
            let report = try await PolicyCheck.evaluate(gatePolicy, path: policy, opened: opened, root: root, at: when)
            if !json || !report.passed { try PolicyCheck.print(report, policy: policy, json: json) }
            do { try PolicyCheck.requirePassed(report) } catch let error as CLIError {
                throw CLIError("\(error.description); nothing was copied to \(destination)")
            }
            gate = report
        }
        let store = try ImageInput.attempt(destination) { try target.open(registry: options, creating: true) }
        let progress = ProgressLine.counter()
        let copied = try await ImageInput.attempt(destination) {
            try await ImageCopier(from: opened.store, to: store, progress: progress).copy(opened.image, tag: target.tag ?? opened.reference.tag)
        }
        ProgressLine.finish(progress)
        let totals = progress.totals
        let result = Result(source: await opened.describe(opened.image), destination: await store.describe(opened.image),
                            digest: opened.image.digest.description, manifests: copied.manifests.count,
                            referrers: copied.referrers.map(\.descriptor.digest.description), bytes: totals.bytes, blobs: totals.blobs,
                            policy: gate)
        if json {
            try Output.json(result)
            return
        }
        print("Copied \(result.source) to \(result.destination)")
        print("  \(result.manifests) manifest\(result.manifests == 1 ? "" : "s"), \(result.referrers.count) referrer\(result.referrers.count == 1 ? "" : "s")")
        for referrer in copied.referrers {
            print("  referrer \(referrer.descriptor.digest.short) \(ImageVerifier.Kind(claimedBy: referrer.descriptor, manifest: referrer.manifest))")
        }
    }
}
