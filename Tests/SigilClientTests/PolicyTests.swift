import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// Predicate policies and deployment policy files: every test operator, and strictness.
@Suite struct PolicyTests {
    static let predicate: JSONValue = [
        "builder": ["id": "https://ci.example.com/builder"],
        "scanner": ["result": ["summary": ["critical": 0, "high": 2],
                               "findings": [["id": "CVE-1", "severity": "HIGH"], ["id": "CVE-2", "severity": "LOW"]]]],
    ]

    func verdicts(_ rules: String) throws -> [Bool] {
        try PredicatePolicy(parsing: Array("{\"rules\": [\(rules)]}".utf8)).evaluate(Self.predicate).map(\.passed)
    }

    /// Predicate values are compared as bytes and matched by code point: `\u{212A}` (KELVIN SIGN)
    /// is not `K`, and `e` + U+0301 is not `é`.
    @Test func predicateValuesCompareBytes() throws {
        let predicate: JSONValue = ["builder": ["id": "https://ci.example.com/\u{212A}elvin", "name": "cafe\u{0301}"]]
        func verdicts(_ rules: String) throws -> [Bool] {
            try PredicatePolicy(parsing: Array("{\"rules\": [\(rules)]}".utf8)).evaluate(predicate).map(\.passed)
        }
        #expect(try verdicts(#"{"path": "builder.id", "equals": "https://ci.example.com/Kelvin"}"#) == [false])
        #expect(try verdicts(#"{"path": "builder.id", "oneOf": ["https://ci.example.com/Kelvin"]}"#) == [false])
        #expect(try verdicts(#"{"path": "builder.id", "notEquals": "https://ci.example.com/Kelvin"}"#) == [true])
        #expect(try verdicts(#"{"path": "builder.id", "matches": "/Kelvin$"}"#) == [false])
        #expect(try verdicts(#"{"path": "builder.name", "matches": "^caf\u00e9$"}"#) == [false])
        #expect(try verdicts(#"{"path": "builder.id", "equals": "https://ci.example.com/\u212aelvin"}"#) == [true], "the control")
    }

    @Test func operators() throws {
        #expect(try verdicts(#"{"path": "builder.id", "equals": "https://ci.example.com/builder"}"#) == [true])
        #expect(try verdicts(#"{"path": "builder.id", "equals": "https://evil.example.com"}"#) == [false])
        #expect(try verdicts(#"{"path": "builder.id", "matches": "^https://ci\\."}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.summary.critical", "max": 0}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.summary.high", "max": 0}"#) == [false])
        #expect(try verdicts(#"{"path": "scanner.result.summary.high", "min": 1, "max": 5}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.summary.critical", "equals": 0.0}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.findings", "noneMatch": [{"path": "severity", "equals": "CRITICAL"}]}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.findings", "noneMatch": [{"path": "severity", "oneOf": ["CRITICAL", "HIGH"]}]}"#) == [false])
        #expect(try verdicts(#"{"path": "scanner.result.findings", "anyMatch": [{"path": "id", "equals": "CVE-2"}]}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.findings", "allMatch": [{"path": "id", "matches": "^CVE-"}]}"#) == [true])
        #expect(try verdicts(#"{"path": "scanner.result.findings.1.severity", "equals": "LOW"}"#) == [true])
        #expect(try verdicts(#"{"path": "builder.version", "exists": false}, {"path": "builder.id", "exists": true}"#) == [true, true])
        #expect(try verdicts(#"{"path": "missing.value", "max": 3}"#) == [false], "a missing value fails")
        #expect(try verdicts(#"{"path": "missing.list", "noneMatch": [{"path": "x", "exists": true}]}"#) == [false])
    }

    @Test(arguments: [
        (#"{"rules": [{"path": "a", "greaterThan": 1}]}"#, "unknown member \"greaterThan\""),
        (#"{"rules": [{"path": "a"}]}"#, "has no test"),
        (#"{"rules": [{"path": "a", "equals": 1, "matches": "x"}]}"#, "several tests"),
        (#"{"rules": [{"path": "a", "matches": "("}]}"#, "not a valid regular expression"),
        (#"{"rules": []}"#, "non-empty array"),
        (#"{"rules": [{"path": "a..b", "exists": true}]}"#, "empty segment"),
        (#"{"rule": []}"#, "unknown member \"rule\""),
        ("{not json", "not valid JSON"),
    ])
    func strictPredicatePolicies(_ text: String, _ message: String) {
        do {
            _ = try PredicatePolicy(parsing: Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    static let identities = #""identities": {"release": [{"issuer": "https://issuer.example.com", "subject": "alice@example.com"}], "ops": [{"issuerRegExp": "^https://", "subjectRegExp": "^ops@"}]}"#

    @Test func deploymentPolicyParses() throws {
        let text = "{\(Self.identities), \"lifecycleSigners\": \"ops\", \"rules\": [{\"rule\": \"signed\", \"by\": \"release\"}, "
            + #"{"rule": "attestation", "type": "slsaprovenance1", "by": "release", "predicate": {"rules": [{"path": "builder.id", "exists": true}]}}, "#
            + #"{"rule": "notQuarantined"}, {"rule": "notEndOfLife"}, {"rule": "notSuperseded", "maxDays": 30}]}"#
        let policy = try DeploymentPolicy(parsing: Array(text.utf8), baseDirectory: "/")
        #expect(policy.rules.map(\.name) == ["signed by release", "attestation https://slsa.dev/provenance/v1 by release with predicate rules",
                                             "not quarantined", "not end of life", "not superseded for more than 30 days"])
        #expect(policy.identities["ops"]?.count == 1)
    }

    @Test(arguments: [
        (#"[{"rule": "signedByAnyone"}]"#, "unknown rule \"signedByAnyone\""),
        (#"[{"rule": "signed", "by": "nobody"}]"#, "does not define"),
        (#"[{"rule": "signed", "by": "release", "extra": 1}]"#, "unknown member \"extra\""),
        (#"[{"rule": "notQuarantined"}]"#, "lifecycleSigners"),
        (#"[{"rule": "attestation", "type": "not a uri", "by": "release"}]"#, "unknown predicate type"),
        (#"[{"rule": "notSuperseded", "maxDays": -1}]"#, "maxDays"),
    ])
    func strictDeploymentPolicies(_ rules: String, _ message: String) {
        expectRejected("{\(Self.identities), \"rules\": \(rules)}", message)
    }

    @Test func identitiesPinCertificateExtensionsByName() throws {
        let text = #"{"identities": {"r": [{"issuer": "https://token.actions.githubusercontent.com", "subjectRegExp": "^https://github.com/org/app/", "#
            + #""extensions": {"sourceRepositoryRef": "refs/heads/main", "githubWorkflowRepository": "org/app"}}]}, "rules": [{"rule": "signed", "by": "r"}]}"#
        let policy = try DeploymentPolicy(parsing: Array(text.utf8), baseDirectory: "/")
        guard case .certificate(let identity)? = policy.identities["r"]?.first else {
            Issue.record("not a certificate identity")
            return
        }
        #expect(identity.extensions == [.sourceRepositoryRef: "refs/heads/main", .githubWorkflowRepository: "org/app"])
    }

    @Test(arguments: [
        (#"{"sourceRepoRef": "main"}"#, "unknown extension \"sourceRepoRef\""),
        (#"{"issuer": "https://x"}"#, "unknown extension \"issuer\""),
        (#"{"sourceRepositoryRef": 1}"#, "extensions.sourceRepositoryRef must be a string"),
        (#"{}"#, "must be a non-empty object"),
    ])
    func strictIdentityExtensions(_ extensions: String, _ message: String) {
        expectRejected(#"{"identities": {"r": [{"issuer": "https://i", "subject": "s", "extensions": \#(extensions)}]}, "rules": [{"rule": "signed", "by": "r"}]}"#,
                       message)
    }

    func expectRejected(_ text: String, _ message: String) {
        do {
            _ = try DeploymentPolicy(parsing: Array(text.utf8), baseDirectory: "/")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func predicateTypeNamesMatchCosign() throws {
        #expect(try PredicateTypes.resolve("slsaprovenance") == "https://slsa.dev/provenance/v0.2")
        #expect(try PredicateTypes.resolve("slsaprovenance1") == "https://slsa.dev/provenance/v1")
        #expect(try PredicateTypes.resolve("vuln") == "https://cosign.sigstore.dev/attestation/vuln/v1")
        #expect(try PredicateTypes.resolve("spdxjson") == "https://spdx.dev/Document")
        #expect(try PredicateTypes.resolve("cyclonedx") == "https://cyclonedx.org/bom")
        #expect(try PredicateTypes.resolve("https://example.com/p/v1") == "https://example.com/p/v1")
        #expect(throws: PredicateTypeError.self) { try PredicateTypes.resolve("slsa") }
    }
}
