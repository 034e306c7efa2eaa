import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil policy check`: the deployment gate.
struct PolicyGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Deployment policies for images in OCI image layouts.",
        subcommands: [PolicyCheck.self])
}

struct PolicyCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check an image against a deployment policy; exits 0 only if every rule holds.",
        discussion: """
            Rules: signed (by an identity set), attestation (type, by, optional predicate rules), notQuarantined,
            notEndOfLife, notSuperseded (maxDays). Each verdict is printed with its evidence (log index, signer).
            The policy format is documented in the README (and DeploymentPolicy.swift).
            Example:
              sigil policy check ./app-layout:v1.2 --policy deploy-policy.json --trust-config .sigil/trust_config.json
              sigil policy check ./app-layout:v1.2 --policy deploy-policy.json --at 2026-01-01
            """)

    @Argument(help: "The image: LAYOUT, LAYOUT:tag or LAYOUT@sha256:<hex>.")
    var image: String

    @Option(help: "The deployment policy (JSON).")
    var policy: String

    @Option(help: "Judge as of this time (2025-06-30 or RFC 3339; default now).")
    var at: String?

    @OptionGroup var trust: TrustedRootOptions

    @Flag(help: "Print the verdicts as JSON.")
    var json = false

    struct Verdict: Encodable {
        let rule: String
        let passed: Bool
        let evidence: [String]
    }

    struct Report: Encodable {
        let image: String
        let at: String
        let passed: Bool
        let rules: [Verdict]
        let notes: [String]
    }

    func run() async throws {
        let when = try at.map { try DateArgument.parse($0, option: "--at") } ?? Date()
        let parsed: DeploymentPolicy
        do { parsed = try DeploymentPolicy.load(path: policy) } catch { throw CLIError("\(error)") }
        let opened = try LayoutInput.open(image)
        // The gate admits what is on disk: every blob must match the digests the signatures cover.
        try LayoutInput.attempt(image) { try opened.layout.checkComplete(opened.image) }
        let root = try trust.load()
        let result: PolicyEvaluator.Report
        do { result = try await PolicyEvaluator(trustedRoot: root, at: when).evaluate(parsed, image: opened.image, in: opened.layout) } catch {
            throw CLIError("\(image): \(error)")
        }
        let report = Report(image: opened.describe(opened.image), at: RFC3339.format(when), passed: result.passed,
                            rules: result.verdicts.map { Verdict(rule: $0.rule, passed: $0.passed, evidence: $0.evidence) }, notes: result.notes)
        if json {
            try Output.json(report)
        } else {
            print("Policy \(policy) for \(report.image) at \(report.at):")
            for verdict in report.rules {
                print("  \(verdict.passed ? "PASS" : "FAIL") \(verdict.rule)")
                for line in verdict.evidence { print("       \(line)") }
            }
            for note in report.notes { print("  note: \(note)") }
        }
        let failed = report.rules.filter { !$0.passed }
        if !failed.isEmpty {
            throw CLIError("policy check failed: \(failed.count) of \(report.rules.count) rules failed: \(failed.map(\.rule).joined(separator: "; "))")
        }
        if !json { print("All \(report.rules.count) rules passed.") }
    }
}
