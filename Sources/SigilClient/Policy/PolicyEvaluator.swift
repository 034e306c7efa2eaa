import Foundation
import SigstoreKit
import WireFormat

/// Runs a `DeploymentPolicy` against one image of a store (`sigil policy check`): every rule
/// gets a verdict with its evidence (log index, signer), and the image passes only if all do.
/// Bundles are verified offline against the trusted root; each identity set's verification of
/// the image's referrers is done once and shared by the rules that use it.
public struct PolicyEvaluator: Sendable {
    public let trustedRoot: TrustedRoot
    /// The time the gate judges at (`--at`, default now).
    public let at: Date

    public init(trustedRoot: TrustedRoot, at: Date) {
        self.trustedRoot = trustedRoot
        self.at = at
    }

    public struct RuleVerdict: Sendable {
        public let rule: String
        public let passed: Bool
        /// One line per fact: what satisfied the rule, or why nothing did.
        public let evidence: [String]
    }

    public struct Report: Sendable {
        public let image: OCIDescriptor
        public let verdicts: [RuleVerdict]
        /// Referrers that were ignored (lifecycle statements that did not verify, and the like).
        public let notes: [String]
        public var passed: Bool { verdicts.allSatisfy(\.passed) }
    }

    public func evaluate(_ policy: DeploymentPolicy, image: OCIDescriptor, in store: any ImageStore) async throws(ImageStoreError) -> Report {
        var cache: [String: [ImageVerifier.Verdict]] = [:]
        let verifier = ImageVerifier(trustedRoot: trustedRoot)
        func verdicts(_ set: String) async throws(ImageStoreError) -> [ImageVerifier.Verdict] {
            if let cached = cache[set] { return cached }
            let result = try await verifier.verifyReferrers(of: image, in: store, signers: policy.identities[set] ?? [])
            cache[set] = result
            return result
        }
        var results: [RuleVerdict] = []
        var notes: [String] = []
        var history: LifecycleHistory?
        if let set = policy.lifecycleSigners {
            let built = LifecycleHistory(verdicts: try await verdicts(set))
            history = built
            for ignored in built.ignored {
                notes.append("ignored lifecycle statement \(ignored.referrer.short)" + (ignored.claimedStatus.map { " (claims \($0))" } ?? "")
                             + ", not signed by \(set): \(ignored.reason)")
            }
            for later in built.entries where later.recorded > at {
                notes.append("ignored lifecycle statement \(later.referrer.short) (\(later.statement.status.rawValue)): recorded \(RFC3339.format(later.recorded)), after \(RFC3339.format(at))")
            }
        }
        for rule in policy.rules {
            switch rule {
            case .signed(let set):
                results.append(Self.signed(rule.name, try await verdicts(set), set: set))
            case .attestation(let type, let set, let predicate):
                results.append(Self.attestation(rule.name, try await verdicts(set), type: type, set: set, predicate: predicate))
            case .notQuarantined:
                results.append(lifecycleRule(rule.name, history) { entry in
                    entry.statement.status == .quarantined ? "quarantined" + (entry.statement.reason.map { ": \($0)" } ?? "") : nil
                })
            case .notEndOfLife:
                results.append(lifecycleRule(rule.name, history) { entry in
                    guard let end = entry.statement.endOfLife(recorded: entry.recorded) else { return nil }
                    return end <= at ? "end of life since \(RFC3339.format(end))" : nil
                })
            case .notSuperseded(let days):
                results.append(try await superseded(rule.name, history, maxDays: days, policy: policy, store: store))
            }
        }
        return Report(image: image, verdicts: results, notes: notes)
    }

    static func evidence(_ verified: ImageVerifier.Verified, referrer: OCIDescriptor) -> String {
        "\(referrer.digest.short): signer \(verified.signer), log index \(verified.logIndex.map(String.init) ?? "?")"
            + (verified.integratedTime.map { ", integrated \(RFC3339.format($0))" } ?? "")
    }

    static func failures(_ verdicts: [ImageVerifier.Verdict], where include: (ImageVerifier.Kind) -> Bool) -> [String] {
        verdicts.filter { include($0.kind) }.compactMap { verdict in
            if case .failure(let error) = verdict.outcome { "\(verdict.referrer.descriptor.digest.short) (\(verdict.kind)): \(error)" } else { nil }
        }
    }

    private static func signed(_ name: String, _ verdicts: [ImageVerifier.Verdict], set: String) -> RuleVerdict {
        let good = verdicts.filter { $0.kind == .signature }.compactMap { v in v.verified.map { (v, $0) } }
        if !good.isEmpty {
            return RuleVerdict(rule: name, passed: true, evidence: good.map { evidence($0.1, referrer: $0.0.referrer.descriptor) })
        }
        let failed = failures(verdicts) { $0 == .signature }
        return RuleVerdict(rule: name, passed: false,
                           evidence: ["no signature by \(set) verifies"] + (failed.isEmpty ? ["the image has no signatures"] : failed))
    }

    private static func attestation(_ name: String, _ verdicts: [ImageVerifier.Verdict], type: String, set: String,
                                    predicate: PredicatePolicy?) -> RuleVerdict {
        var rejected: [String] = []
        for verdict in verdicts where verdict.kind == .attestation(predicateType: type) {
            guard let verified = verdict.verified else { continue }
            let line = evidence(verified, referrer: verdict.referrer.descriptor)
            guard let predicate else { return RuleVerdict(rule: name, passed: true, evidence: [line]) }
            let checks = predicate.evaluate(verified.statement?.predicate ?? .null)
            if checks.allSatisfy(\.passed) { return RuleVerdict(rule: name, passed: true, evidence: [line] + checks.map(\.description)) }
            rejected.append(line)
            rejected += checks.filter { !$0.passed }.map { "  \($0)" }
        }
        let failed = failures(verdicts) { $0 == .attestation(predicateType: type) }
        let headline = rejected.isEmpty ? "no \(type) attestation by \(set) verifies" : "no \(type) attestation by \(set) satisfies the predicate rules"
        return RuleVerdict(rule: name, passed: false, evidence: [headline] + rejected + failed)
    }

    /// A lifecycle rule: `problem` says what is wrong with the statement in force, or nil.
    private func lifecycleRule(_ name: String, _ history: LifecycleHistory?, problem: (LifecycleHistory.Entry) -> String?) -> RuleVerdict {
        guard let current = history?.current(at: at) else {
            return RuleVerdict(rule: name, passed: true, evidence: ["no verified lifecycle statement as of \(RFC3339.format(at)): active"])
        }
        let line = "latest lifecycle statement \(current.referrer.short): \(current.statement.status.rawValue), signer \(current.signer), "
            + "log index \(current.logIndex), integrated \(RFC3339.format(current.recorded))"
        if let problem = problem(current) { return RuleVerdict(rule: name, passed: false, evidence: [problem, line]) }
        return RuleVerdict(rule: name, passed: true, evidence: [line])
    }

    /// Superseded for more than `maxDays`: measured from the superseding image's first verified
    /// signature (by any identity of the policy) when the store holds it, else from when the
    /// superseded statement was logged.
    private func superseded(_ name: String, _ history: LifecycleHistory?, maxDays: Int, policy: DeploymentPolicy,
                            store: any ImageStore) async throws(ImageStoreError) -> RuleVerdict {
        guard let current = history?.current(at: at), current.statement.status == .superseded, let successor = current.statement.supersededBy else {
            return lifecycleRule(name, history) { _ in nil }
        }
        var since = current.recorded
        var source = "superseded statement logged \(RFC3339.format(current.recorded)) (log index \(current.logIndex), signer \(current.signer))"
        if let image = try? await store.resolve(.digest(successor)) {
            let signers = policy.identities.keys.sorted().flatMap { policy.identities[$0] ?? [] }
            let verdicts = try await ImageVerifier(trustedRoot: trustedRoot).verifyReferrers(of: image, in: store, signers: signers)
            let signed = verdicts.filter { $0.kind == .signature }.compactMap(\.verified).compactMap { v in v.integratedTime.map { (v, $0) } }
            if let first = signed.min(by: { $0.1 < $1.1 }) {
                since = first.1
                source = "superseding image \(successor.short) signed \(RFC3339.format(first.1)) (log index \(first.0.logIndex.map(String.init) ?? "?"), signer \(first.0.signer))"
            }
        }
        let days = at.timeIntervalSince(since) / 86_400
        let line = "superseded by \(successor.short); \(source); \(String(format: "%.1f", days)) days before \(RFC3339.format(at))"
        return RuleVerdict(rule: name, passed: days <= Double(maxDays), evidence: [line])
    }
}
