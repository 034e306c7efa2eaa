import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// Attestations, OCI images, lifecycle and the deployment gate, driving the real `sigil` binary
/// against real `sigil-server` processes (issue 6 acceptance).
@Suite(.timeLimit(.minutes(5))) struct AttestationAndImageTests {
    static var sigilBinary: String {
        URL(fileURLWithPath: ServerProcess.binary).deletingLastPathComponent().appendingPathComponent("sigil").path
    }

    func sigil(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion(Self.sigilBinary, arguments)
    }

    @Test func attestThenVerifyAttestation() async throws {
        let directory = TemporaryDirectory()
        let stack = try await SigilStack(directory: directory.path("servers"))
        defer { stack.stop() }
        let artifact = directory.path("app.tgz"), predicate = directory.path("provenance.json"), rules = directory.path("rules.json")
        try "release contents".write(toFile: artifact, atomically: true, encoding: .utf8)
        try #"{"buildDefinition": {"buildType": "https://example.com/build/v1"}, "runDetails": {"builder": {"id": "https://ci.example.com/builder"}}}"#
            .write(toFile: predicate, atomically: true, encoding: .utf8)
        try #"{"rules": [{"path": "runDetails.builder.id", "equals": "https://ci.example.com/builder"}]}"#
            .write(toFile: rules, atomically: true, encoding: .utf8)

        let attested = try sigil(["attest", artifact, "--predicate", predicate, "--type", "slsaprovenance1",
                                  "--identity-token", try await stack.token("alice@example.com")] + stack.signingFlags)
        #expect(attested.status == 0, "\(attested.output)")
        let bundle = artifact + ".intoto.sigstore.json"
        let parsed = try SigstoreBundle(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: bundle))))
        #expect(parsed.verificationMaterial.tlogEntries.first?.kind == "dsse")

        let identity = ["--trust-config", stack.trustConfig, "--certificate-identity", "alice@example.com",
                        "--certificate-oidc-issuer", stack.oidcURL]
        let verified = try sigil(["verify-attestation", artifact, "--bundle", bundle, "--type", "slsaprovenance1", "--policy", rules] + identity)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("PASS runDetails.builder.id equals"))

        let wrongType = try sigil(["verify-attestation", artifact, "--bundle", bundle, "--type", "vuln"] + identity)
        #expect(wrongType.status != 0)
        #expect(wrongType.output.contains("FAIL predicate type is https://cosign.sigstore.dev/attestation/vuln/v1"), "\(wrongType.output)")

        let other = directory.path("other.tgz")
        try "something else".write(toFile: other, atomically: true, encoding: .utf8)
        let wrongSubject = try sigil(["verify-attestation", other, "--bundle", bundle] + identity)
        #expect(wrongSubject.status != 0)
        #expect(wrongSubject.output.contains("not a subject of the in-toto statement"), "\(wrongSubject.output)")

        let wrongIdentity = try sigil(["verify-attestation", artifact, "--bundle", bundle, "--trust-config", stack.trustConfig,
                                       "--certificate-identity", "bob@example.com", "--certificate-oidc-issuer", stack.oidcURL])
        #expect(wrongIdentity.status != 0 && wrongIdentity.output.contains("identity"), "\(wrongIdentity.output)")

        // A bundle from sign-blob is not an attestation.
        #expect(try sigil(["sign-blob", artifact, "--identity-token", try await stack.token("alice@example.com")] + stack.signingFlags).status == 0)
        let notAttestation = try sigil(["verify-attestation", artifact, "--bundle", artifact + ".sigstore.json"] + identity)
        #expect(notAttestation.status != 0 && notAttestation.output.contains("not an attestation"), "\(notAttestation.output)")
    }

    @Test func signVerifyLifecycleAndDeploymentGate() async throws {
        let directory = TemporaryDirectory()
        let stack = try await SigilStack(directory: directory.path("servers"))
        defer { stack.stop() }
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let layout = sample.layout.path
        // One more image, never signed.
        let unsigned = try sample.layout.image(architecture: "riscv64", layer: "unsigned layer")
        let entries = try sample.layout.index()["manifests"]?.arrayValue ?? []
        try sample.layout.writeIndex(entries + [unsigned.json.merging(["annotations": ["org.opencontainers.image.ref.name": "unsigned"]])])
        let alice = try await stack.token("alice@example.com"), ops = try await stack.token("ops@example.com")
        let mallory = try await stack.token("mallory@example.com")
        let asAlice = ["--trust-config", stack.trustConfig, "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", stack.oidcURL]

        let signed = try sigil(["sign-image", layout + ":index", "--recursive", "--identity-token", alice] + stack.signingFlags)
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.output.components(separatedBy: "referrer sha256:").count == 4, "the index and both platforms")
        let verified = try sigil(["verify-image", layout + ":index", "--recursive"] + asAlice)
        #expect(verified.status == 0, "\(verified.output)")
        let wrong = try sigil(["verify-image", layout + ":index", "--trust-config", stack.trustConfig,
                               "--certificate-identity", "bob@example.com", "--certificate-oidc-issuer", stack.oidcURL])
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("no signature verifies") && wrong.output.contains("bob@example.com"), "\(wrong.output)")

        #expect(try sigil(["sign-image", layout + ":app", "--identity-token", alice] + stack.signingFlags).status == 0)
        let predicate = directory.path("scan.json")
        try #"{"scanner": {"result": {"summary": {"critical": 0}}}}"#.write(toFile: predicate, atomically: true, encoding: .utf8)
        let attested = try sigil(["attest-image", layout + ":app", "--predicate", predicate, "--type", "vuln", "--identity-token", alice] + stack.signingFlags)
        #expect(attested.status == 0, "\(attested.output)")
        let required = try sigil(["verify-image", layout + ":app", "--require-attestation", "vuln", "--json"] + asAlice)
        #expect(required.status == 0, "\(required.output)")
        let missing = try sigil(["verify-image", layout + ":app", "--require-attestation", "slsaprovenance1"] + asAlice)
        #expect(missing.status != 0 && missing.output.contains("no https://slsa.dev/provenance/v1 attestation verifies"), "\(missing.output)")

        let policy = directory.path("policy.json")
        try """
            {"identities": {"release": [{"issuer": "\(stack.oidcURL)", "subject": "alice@example.com"}],
                            "ops": [{"issuer": "\(stack.oidcURL)", "subjectRegExp": "^ops@example\\\\.com$"}]},
             "lifecycleSigners": "ops",
             "rules": [{"rule": "signed", "by": "release"},
                       {"rule": "attestation", "type": "vuln", "by": "release", "predicate": {"rules": [{"path": "scanner.result.summary.critical", "max": 0}]}},
                       {"rule": "notQuarantined"}, {"rule": "notEndOfLife"}, {"rule": "notSuperseded", "maxDays": 30}]}
            """.write(toFile: policy, atomically: true, encoding: .utf8)
        let check = { (image: String, extra: [String]) in
            try self.sigil(["policy", "check", layout + ":" + image, "--policy", policy, "--trust-config", stack.trustConfig] + extra)
        }
        let good = try check("app", [])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("PASS signed by release") && good.output.contains("log index"), "\(good.output)")

        let unsignedCheck = try check("unsigned", [])
        #expect(unsignedCheck.status != 0)
        #expect(unsignedCheck.output.contains("FAIL signed by release") && unsignedCheck.output.contains("the image has no signatures"), "\(unsignedCheck.output)")

        let tree = try sigil(["tree", layout + ":index"])
        #expect(tree.status == 0 && tree.output.contains("(linux/arm64)") && tree.output.contains("signature"), "\(tree.output)")

        // A signature over the attestation is listed under the attestation, not beside it.
        func attachments() throws -> [JSONValue] {
            try JSONValue(parsing: Array(try sigil(["tree", layout + ":app", "--json"]).output.utf8))["attached"]?.arrayValue ?? []
        }
        let attestation = try #require(try attachments().first { $0["kind"]?.stringValue?.hasPrefix("attestation") == true }?["digest"]?.stringValue)
        let countersigned = try sigil(["sign-image", layout + "@" + attestation, "--identity-token", alice] + stack.signingFlags)
        #expect(countersigned.status == 0, "\(countersigned.output)")
        let listed = try attachments()
        let nested = listed.first { $0["digest"]?.stringValue == attestation }?["attached"]?.arrayValue ?? []
        #expect(nested.count == 1 && nested.first?["kind"] == "signature", "\(listed)")
        #expect(listed.count == 2, "the image itself gained no attachment: \(listed)")
        let drawn = try sigil(["tree", layout + ":app"]).output
        #expect(drawn.contains("│   └── signature") || drawn.contains("    └── signature"), "\(drawn)")

        // Quarantine by ops: the gate fails and names the rule, the signer and the log index.
        let quarantined = try sigil(["lifecycle", "set", layout + ":app", "--status", "quarantined", "--reason", "CVE-2025-0001",
                                     "--identity-token", ops] + stack.signingFlags)
        #expect(quarantined.status == 0, "\(quarantined.output)")
        // Mallory's "active" is not trusted: ignored and reported.
        #expect(try sigil(["lifecycle", "set", layout + ":app", "--status", "active", "--identity-token", mallory] + stack.signingFlags).status == 0)
        let blocked = try check("app", [])
        #expect(blocked.status != 0)
        #expect(blocked.output.contains("FAIL not quarantined") && blocked.output.contains("CVE-2025-0001"), "\(blocked.output)")
        #expect(blocked.output.contains("signer ops@example.com") && blocked.output.contains("log index"), "\(blocked.output)")
        #expect(blocked.output.contains("ignored lifecycle statement") && blocked.output.contains("mallory@example.com"), "\(blocked.output)")
        #expect(blocked.output.contains("policy check failed: 1 of 5 rules failed: not quarantined"), "\(blocked.output)")
        let shown = try sigil(["lifecycle", "show", layout + ":app", "--trust-config", stack.trustConfig,
                               "--certificate-identity", "ops@example.com", "--certificate-oidc-issuer", stack.oidcURL])
        #expect(shown.status == 0 && shown.output.contains("quarantined"), "\(shown.output)")

        // End of life in the past, on the signed amd64 platform image.
        let amd64 = layout + "@" + sample.platforms[0].digest
        #expect(try sigil(["attest-image", amd64, "--predicate", predicate, "--type", "vuln", "--identity-token", alice] + stack.signingFlags).status == 0)
        #expect(try check("unused", []).status != 0)   // unknown tag: a clear failure
        let eolSet = try sigil(["lifecycle", "set", amd64, "--status", "end-of-life", "--end-of-life", "2020-01-01", "--identity-token", ops] + stack.signingFlags)
        #expect(eolSet.status == 0, "\(eolSet.output)")
        let eol = try sigil(["policy", "check", amd64, "--policy", policy, "--trust-config", stack.trustConfig])
        #expect(eol.status != 0)
        #expect(eol.output.contains("FAIL not end of life") && eol.output.contains("end of life since 2020-01-01T00:00:00Z"), "\(eol.output)")
    }

    /// Bad input: a clear message, a non-zero exit, and the layout byte-for-byte unchanged.
    @Test func badInputLeavesTheLayoutUnchanged() throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("layout"))
        let layout = sample.layout.path
        let predicate = directory.path("bad-predicate.json"), policy = directory.path("bad-policy.json")
        try "{\"unterminated\": ".write(toFile: predicate, atomically: true, encoding: .utf8)
        try #"{"identities": {"r": [{"issuer": "https://i", "subject": "s"}]}, "rules": [{"rule": "signedByAnyone"}]}"#
            .write(toFile: policy, atomically: true, encoding: .utf8)
        let signing = ["--trust-config", directory.path("none.json"), "--identity-token", "x.y.z"]
        let notALayout = directory.path("plain")
        try FileManager.default.createDirectory(atPath: notALayout, withIntermediateDirectories: true)

        var cases: [(String, [String], String)] = [
            ("not a layout", ["sign-image", notALayout] + signing, "is not an OCI image layout"),
            ("unknown tag", ["sign-image", layout + ":nope"] + signing, "no image is tagged \"nope\""),
            ("malformed predicate", ["attest-image", layout + ":app", "--predicate", predicate, "--type", "vuln"] + signing, "not valid JSON"),
            ("unknown predicate type", ["attest-image", layout + ":app", "--predicate", predicate, "--type", "slsa"] + signing, "unknown predicate type"),
            ("policy with an unknown rule", ["policy", "check", layout + ":app", "--policy", policy, "--trusted-root", directory.path("none.json")],
             "unknown rule \"signedByAnyone\""),
            ("lifecycle without successor", ["lifecycle", "set", layout + ":app", "--status", "superseded"] + signing, "--superseded-by"),
        ]
        // Corrupt blob and missing blob, made after the cases above are listed.
        let app = sample.app.digest, appBlob = layout + "/blobs/sha256/" + app.dropFirst(7)
        let amd64Manifest = try JSONValue(parsing: sample.layout.blob(sample.platforms[0].digest))
        let layerDigest = try #require(amd64Manifest["layers"]?[0]?["digest"]?.stringValue)
        cases.append(("digest mismatch", ["sign-image", layout + ":app"] + signing, "is corrupt"))
        cases.append(("missing blob", ["sign-image", layout + ":index", "--recursive"] + signing, "\(layerDigest) is missing"))
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: appBlob)))
        bytes[0] = UInt8(ascii: " ")   // still JSON, different digest
        try Data(bytes).write(to: URL(fileURLWithPath: appBlob))
        try FileManager.default.removeItem(atPath: layout + "/blobs/sha256/" + layerDigest.dropFirst(7))

        let before = sample.layout.snapshot()
        for (name, arguments, message) in cases {
            let result = try sigil(arguments)
            #expect(result.status != 0, "\(name): \(result.output)")
            #expect(result.output.contains(message), "\(name): \(result.output)")
            #expect(sample.layout.snapshot() == before, "\(name) changed the layout")
        }
    }
}
