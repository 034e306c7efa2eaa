import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil policy check`: the deployment gate.
struct PolicyGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Deployment policies for images in registries and OCI image layouts.",
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
            Examples:
              sigil policy check 127.0.0.1:5000/app@sha256:0123… --policy deploy-policy.json
              sigil policy check ./app-layout:v1.2 --policy deploy-policy.json --trust-config .sigil/trust_config.json
              sigil policy check ./app-layout:v1.2 --policy deploy-policy.json --at 2026-01-01
            """)

    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @Option(help: "The deployment policy (JSON).")
    var policy: String

    @Option(help: "Judge as of this time (2025-06-30 or RFC 3339; default now).")
    var at: String?

    @OptionGroup var trust: TrustedRootOptions

    @OptionGroup var registry: RegistryAccessOptions

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
        let root = try await trust.load()
        let opened = try await ImageInput.open(image, registry: registry)
        let report = try await Self.evaluate(parsed, path: policy, opened: opened, root: root, at: when)
        try Self.print(report, policy: policy, json: json)
        try Self.requirePassed(report)
        if !json { Swift.print("All \(report.rules.count) rules passed.") }
    }

    /// The gate, shared with `copy --policy`: every blob checked, every rule judged.
    static func evaluate(_ policy: DeploymentPolicy, path: String, opened: ImageInput.Opened, root: TrustedRoot, at when: Date) async throws -> Report {
        // The gate admits what is stored: every blob must match the digests the signatures cover.
        try await ImageInput.attempt(opened.text) { try await opened.store.checkComplete(opened.image) }
        let result: PolicyEvaluator.Report
        do { result = try await PolicyEvaluator(trustedRoot: root, at: when).evaluate(policy, image: opened.image, in: opened.store) } catch {
            throw CLIError("\(opened.text): \(error)")
        }
        return Report(image: await opened.describe(opened.image), at: RFC3339.format(when), passed: result.passed,
                      rules: result.verdicts.map { Verdict(rule: $0.rule, passed: $0.passed, evidence: $0.evidence) }, notes: result.notes)
    }

    static func print(_ report: Report, policy: String, json: Bool) throws {
        if json {
            try Output.json(report)
            return
        }
        Swift.print("Policy \(policy) for \(report.image) at \(report.at):")
        for verdict in report.rules {
            Swift.print("  \(verdict.passed ? "PASS" : "FAIL") \(verdict.rule)")
            for line in verdict.evidence { Swift.print("       \(line)") }
        }
        for note in report.notes { Swift.print("  note: \(note)") }
    }

    static func requirePassed(_ report: Report) throws {
        let failed = report.rules.filter { !$0.passed }
        if !failed.isEmpty {
            throw CLIError("policy check failed: \(failed.count) of \(report.rules.count) rules failed: \(failed.map(\.rule).joined(separator: "; "))")
        }
    }
}
