import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil verify-image IMAGE`: finds the image's referrers (registry or layout) and
/// verifies each Sigstore bundle offline against the identity policy. Passes when at least one
/// signature verifies and, for each `--require-attestation`, an attestation of that type does.
struct VerifyImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-image",
        abstract: "Verify the signatures and attestations attached to an image in a registry or an OCI image layout.",
        discussion: """
            Every referrer is reported: verified ones with signer and log index, the others with the reason (they are
            ignored, not trusted). With --recursive, each platform manifest of an index must pass too.
            Examples:
              sigil verify-image 127.0.0.1:5000/app:v1.2 --certificate-identity alice@example.com \\
                --certificate-oidc-issuer http://127.0.0.1:5556 --require-attestation vuln
              sigil verify-image ./app-layout:v1.2 --certificate-identity alice@example.com \\
                --certificate-oidc-issuer http://127.0.0.1:5556 --require-attestation slsaprovenance1
              sigil verify-image ./app-layout@sha256:0123… --key release.pub
            """)

    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @Option(name: .customLong("require-attestation"), help: "An attestation type (short name or URI) that must verify; repeatable.")
    var requiredAttestations: [String] = []

    @Flag(help: "Also verify each platform manifest of an image index.")
    var recursive = false

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var identity: IdentityOptions

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let required = try requiredAttestations.map(PredicateInput.type)
        let signer = try identity.signer()
        let verifier = ImageVerifier(trustedRoot: try await trust.load())
        let opened = try await ImageInput.open(image, registry: registry)
        var targets = [opened.image]
        if recursive { targets += try await ImageInput.attempt(image) { try await opened.store.children(of: opened.image) } }
        // A signature covers the manifest, which names each blob by digest: a blob changed in the
        // store would be deployed unsigned, so every blob is checked before any verdict.
        try await ImageInput.attempt(image) { try await opened.store.checkComplete(opened.image) }
        var reports: [ImageResult] = []
        for target in targets {
            let verdicts: [ImageVerifier.Verdict]
            do { verdicts = try await verifier.verifyReferrers(of: target, in: opened.store, signers: [signer]) } catch {
                throw CLIError("\(image): \(error)")
            }
            var problems: [String] = []
            if !verdicts.contains(where: { $0.kind == .signature && $0.verified != nil }) { problems.append("no signature verifies") }
            for type in required where !verdicts.contains(where: { $0.kind == .attestation(predicateType: type) && $0.verified != nil }) {
                problems.append("no \(type) attestation verifies")
            }
            reports.append(ImageResult(image: await opened.describe(target), digest: target.digest.description, verified: problems.isEmpty,
                                       problems: problems, referrers: verdicts.map(ReferrerResult.init)))
        }
        if json {
            try Output.json(reports)
        } else {
            for report in reports {
                print("\(report.verified ? "Verified OK" : "FAILED"): \(report.image)")
                for referrer in report.referrers { print("  " + referrer.line) }
                if report.referrers.isEmpty { print("  (no referrers)") }
                for problem in report.problems { print("  FAIL \(problem)") }
            }
        }
        let failed = reports.filter { !$0.verified }
        if !failed.isEmpty {
            throw CLIError(failed.map { "\($0.image): \($0.problems.joined(separator: "; "))" }.joined(separator: "\n"))
        }
    }

    struct ImageResult: Encodable {
        let image: String
        let digest: String
        let verified: Bool
        let problems: [String]
        let referrers: [ReferrerResult]
    }
}

/// One referrer's verdict, for output.
struct ReferrerResult: Encodable {
    let referrer: String
    let kind: String
    let verified: Bool
    let signer: String?
    let logIndex: Int64?
    let integratedTime: String?
    let reason: String?

    init(_ verdict: ImageVerifier.Verdict) {
        referrer = verdict.referrer.descriptor.digest.description
        kind = verdict.kind.description
        verified = verdict.verified != nil
        signer = verdict.verified?.signer
        logIndex = verdict.verified?.logIndex
        integratedTime = verdict.verified?.integratedTime.map(RFC3339.format)
        if case .failure(let error) = verdict.outcome { reason = error.description } else { reason = nil }
    }

    var line: String {
        let digest = OCIDigest(referrer)?.short ?? referrer
        if verified {
            return "OK \(kind) \(digest): signer \(signer ?? "?"), log index \(logIndex.map(String.init) ?? "?"), integrated \(integratedTime ?? "?")"
        }
        return "NOT VERIFIED (ignored) \(kind) \(digest): \(reason ?? "?")"
    }
}
