import Crypto
import Foundation
import SigilClient
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// Signing, attesting and gating images of OCI layouts built in code, against a fake CA and a
/// real in-process log. Referrers are checked by walking `index.json` independently of the
/// signing code, the way `oras discover` reads a layout.
@Suite(.timeLimit(.minutes(2))) struct ImageSigningTests {
    static let identity = try! CertificateIdentity(subject: .exact("alice@example.com"), issuer: .exact("https://issuer.example.com"))

    /// A keyless signing stack and a fresh sample layout (TestImageLayout.sample) opened by Sigil.
    struct Fixture {
        let s: KeylessSignerTests.Stack
        let directory = TemporaryDirectory()
        let sample: TestImageLayout.Sample
        let layout: LayoutStore

        init() async throws {
            sample = try TestImageLayout.sample(at: directory.path("layout"))
            layout = try LayoutStore(path: sample.layout.path)
            s = try await KeylessSignerTests().stack()
        }
    }

    @Test func recursiveSigningWritesReferrersThatOrasStyleDiscoveryFinds() async throws {
        let f = try await Fixture(), s = f.s, sample = f.sample
        defer { Task { await s.stop() } }
        let layout = f.layout
        let index = try await layout.resolve(.tag("index"))
        let targets = try await ImageSigner.targets(index, in: layout, recursive: true)
        #expect(targets.count == 3)
        let session = try await s.signer.session(token: IdentityToken(s.fulcio.token()))
        let attached = try await ImageSigner(session: session).sign(targets, in: layout)
        #expect(attached.count == 3)

        // Independent discovery: index.json → manifests with a subject → their bundle layer.
        let json = try sample.layout.index()
        let entries = try #require(json["manifests"]?.arrayValue)
        #expect(entries.count == 2 + 3, "two images, three referrers; nothing else added")
        var found: [String: String] = [:]   // subject digest → bundle layer digest
        for entry in entries {
            let digest = try #require(entry["digest"]?.stringValue)
            let manifest = try JSONValue(parsing: sample.layout.blob(digest))
            #expect(entry["size"]?.integerValue == Int64(try sample.layout.blob(digest).count))
            guard let subject = manifest["subject"] else { continue }
            #expect(entry["mediaType"] == "application/vnd.oci.image.manifest.v1+json")
            #expect(entry["artifactType"] == "application/vnd.dev.sigstore.bundle.v0.3+json")
            #expect(manifest["artifactType"] == "application/vnd.dev.sigstore.bundle.v0.3+json")
            #expect(manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json")
            #expect(manifest["schemaVersion"] == 2)
            #expect(manifest["config"]?["mediaType"] == "application/vnd.oci.empty.v1+json")
            #expect(manifest["config"]?["size"] == 2)
            #expect(try sample.layout.blob(try #require(manifest["config"]?["digest"]?.stringValue)) == Array("{}".utf8))
            #expect(manifest["annotations"]?["dev.sigstore.bundle.content"] == "message-signature")
            #expect(manifest["annotations"]?["org.opencontainers.image.created"] != nil)
            #expect(manifest["annotations"]?["dev.sigil.signer.identity"] == "alice@example.com")
            let layers = try #require(manifest["layers"]?.arrayValue)
            #expect(layers.count == 1 && layers[0]["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json")
            let bundleDigest = try #require(layers[0]["digest"]?.stringValue)
            let bundle = try SigstoreBundle(parsing: sample.layout.blob(bundleDigest))
            #expect(bundle.mediaType == .v0_3)
            let subjectDigest = try #require(subject["digest"]?.stringValue)
            #expect(subject["size"]?.integerValue == Int64(try sample.layout.blob(subjectDigest).count))
            // What is signed is the manifest digest: the bundle verifies for the manifest's bytes.
            let policy = try VerificationPolicy(artifact: .bytes(sample.layout.blob(subjectDigest)), signer: .certificate(Self.identity))
            _ = try await BundleVerifier(trustedRoot: s.root).verify(bundle, policy: policy)
            found[subjectDigest] = bundleDigest
        }
        #expect(Set(found.keys) == Set([sample.index.digest] + sample.platforms.map(\.digest)))

        // And Sigil's own verifier agrees.
        let verifier = ImageVerifier(trustedRoot: s.root)
        for target in targets {
            let verdicts = try await verifier.verifyReferrers(of: target, in: layout, signers: [.certificate(Self.identity)])
            #expect(verdicts.count == 1 && verdicts[0].kind == .signature && verdicts[0].verified != nil)
        }
        let bob = try CertificateIdentity(subject: .exact("bob@example.com"), issuer: .exact("https://issuer.example.com"))
        let wrong = try await verifier.verifyReferrers(of: index, in: layout, signers: [.certificate(bob)])
        #expect(wrong.count == 1 && wrong[0].verified == nil)
    }

    @Test func attestationsOfFilesAndImagesAreDSSEStatements() async throws {
        let s = try await KeylessSignerTests().stack()
        defer { Task { await s.stop() } }
        let artifact = Array("release.tgz contents".utf8)
        let statement = try InTotoStatement(subjects: [.init(name: "release.tgz", sha256: Array(SHA256.hash(data: artifact)))],
                                            predicateType: "https://slsa.dev/provenance/v1",
                                            predicate: ["runDetails": ["builder": ["id": "https://ci.example.com"]]])
        let result = try await s.signer.sign(.statement(statement), token: IdentityToken(s.fulcio.token()))
        guard case .dsseEnvelope(let envelope) = result.bundle.content else { Issue.record("not a DSSE bundle"); return }
        #expect(envelope.payloadType == "application/vnd.in-toto+json")
        #expect(try InTotoStatement(parsing: envelope.payload) == statement)
        #expect(result.bundle.verificationMaterial.tlogEntries.first?.kind == "dsse")
        let reread = try SigstoreBundle(parsing: BundleWriter.encode(result.bundle))
        _ = try await BundleVerifier(trustedRoot: s.root)
            .verify(reread, policy: VerificationPolicy(artifact: .bytes(artifact), signer: .certificate(Self.identity)))
        await #expect(throws: VerificationError.self) {
            try await BundleVerifier(trustedRoot: s.root)
                .verify(reread, policy: VerificationPolicy(artifact: .bytes(Array("other".utf8)), signer: .certificate(Self.identity)))
        }
    }

    /// The gate: signatures, attestations, and the newest lifecycle statement by the lifecycle
    /// signers; a statement by anyone else is ignored and reported.
    @Test func deploymentPolicyFollowsTheLatestTrustedLifecycleStatement() async throws {
        let f = try await Fixture(), s = f.s, sample = f.sample
        defer { Task { await s.stop() } }
        let layout = f.layout
        let app = try await layout.resolve(.tag("app"))
        let release = ImageSigner(session: try await s.signer.session(token: IdentityToken(s.fulcio.token())))
        _ = try await release.sign([app], in: layout)
        _ = try await release.attest([app], name: "app", predicateType: "https://cosign.sigstore.dev/attestation/vuln/v1",
                                     predicate: ["scanner": ["result": ["summary": ["critical": 0]]]], in: layout)

        let opsKey = P256.Signing.PrivateKey(), strangerKey = P256.Signing.PrivateKey()
        let ops = try KeySigner(privateKeyInfo: Array(opsKey.derRepresentation), trustedRoot: s.root, log: s.log.client)
        let stranger = try KeySigner(privateKeyInfo: Array(strangerKey.derRepresentation), trustedRoot: s.root, log: s.log.client)
        try Data(ops.publicKey.pem.utf8).write(to: URL(fileURLWithPath: f.directory.path("ops.pub")))
        let policyText = #"""
            {"identities": {"release": [{"issuer": "https://issuer.example.com", "subject": "alice@example.com"}], "ops": [{"publicKey": "ops.pub"}]},
             "lifecycleSigners": "ops",
             "rules": [{"rule": "signed", "by": "release"},
                       {"rule": "attestation", "type": "vuln", "by": "release", "predicate": {"rules": [{"path": "scanner.result.summary.critical", "max": 0}]}},
                       {"rule": "notQuarantined"}, {"rule": "notEndOfLife"}, {"rule": "notSuperseded", "maxDays": 30}]}
            """#
        let policy = try DeploymentPolicy(parsing: Array(policyText.utf8), baseDirectory: f.directory.url.path)
        func check(at date: Date = Date().addingTimeInterval(5)) async throws -> PolicyEvaluator.Report {
            try await PolicyEvaluator(trustedRoot: s.root, at: date).evaluate(policy, image: app, in: layout)
        }
        func record(_ statement: LifecycleStatement, by signer: KeySigner) async throws {
            _ = try await ImageSigner(session: signer.session).attest(
                [app], name: "app", predicateType: LifecycleStatement.predicateType, predicate: statement.predicate,
                annotations: statement.annotations, in: layout)
        }
        var report = try await check()
        #expect(report.passed, "\(report.verdicts.map { "\($0.rule): \($0.evidence)" })")

        try await record(try LifecycleStatement(status: .quarantined, reason: "CVE-2025-0001"), by: ops)
        try await record(try LifecycleStatement(status: .active), by: stranger)   // ignored: not an ops key
        report = try await check()
        #expect(!report.passed)
        #expect(report.verdicts.filter { !$0.passed }.map(\.rule) == ["not quarantined"])
        #expect(report.verdicts[2].evidence.joined().contains("CVE-2025-0001"))
        #expect(report.verdicts[2].evidence.joined().contains("log index"))
        #expect(report.notes.contains { $0.contains("ignored lifecycle statement") && $0.contains("claims active") })
        // Before the quarantine was logged, the image was fine.
        #expect(try await check(at: Date().addingTimeInterval(-3600)).verdicts[2].passed)

        try await Task.sleep(for: .seconds(1.1))   // a later integrated time
        let successor = OCIDigest(sample.platforms[0].digest)!
        try await record(try LifecycleStatement(status: .superseded, supersededBy: successor), by: ops)
        report = try await check()
        #expect(report.passed, "superseded moments ago, quarantine lifted")
        report = try await check(at: Date().addingTimeInterval(40 * 86_400))
        #expect(report.verdicts.filter { !$0.passed }.map(\.rule) == ["not superseded for more than 30 days"])

        try await Task.sleep(for: .seconds(1.1))
        try await record(try LifecycleStatement(status: .active, endOfLife: Date().addingTimeInterval(86_400)), by: ops)
        #expect(try await check().passed)
        report = try await check(at: Date().addingTimeInterval(2 * 86_400))
        #expect(report.verdicts.filter { !$0.passed }.map(\.rule) == ["not end of life"])
    }

    @Test func unsignedImageFailsTheGate() async throws {
        let f = try await Fixture(), s = f.s, layout = f.layout
        defer { Task { await s.stop() } }
        let policy = try DeploymentPolicy(parsing: Array(#"{"identities": {"r": [{"issuer": "https://issuer.example.com", "subject": "alice@example.com"}]}, "rules": [{"rule": "signed", "by": "r"}]}"#.utf8),
                                          baseDirectory: "/")
        let report = try await PolicyEvaluator(trustedRoot: s.root, at: Date()).evaluate(policy, image: try await layout.resolve(.tag("app")), in: layout)
        #expect(!report.passed)
        #expect(report.verdicts[0].evidence.contains("the image has no signatures"))
    }

    /// An identity that pins a certificate extension admits only signatures whose certificate holds
    /// exactly that value; alice's test certificate carries no workflow claims.
    @Test func identityExtensionsMustMatchTheSigningCertificate() async throws {
        let f = try await Fixture(), s = f.s
        defer { Task { await s.stop() } }
        let layout = f.layout
        let session = try await s.signer.session(token: IdentityToken(s.fulcio.token()))
        _ = try await ImageSigner(session: session).sign([try await layout.resolve(.tag("app"))], in: layout)
        func gate(_ identity: String) async throws -> PolicyEvaluator.Report {
            let text = #"{"identities": {"r": [\#(identity)]}, "rules": [{"rule": "signed", "by": "r"}]}"#
            return try await PolicyEvaluator(trustedRoot: s.root, at: Date())
                .evaluate(try DeploymentPolicy(parsing: Array(text.utf8), baseDirectory: "/"), image: try await layout.resolve(.tag("app")), in: layout)
        }
        let plain = #"{"issuer": "https://issuer.example.com", "subject": "alice@example.com"}"#
        #expect(try await gate(plain).passed)
        let pinned = #"{"issuer": "https://issuer.example.com", "subject": "alice@example.com", "extensions": {"sourceRepositoryRef": "refs/heads/main"}}"#
        let report = try await gate(pinned)
        #expect(!report.passed, "\(report.verdicts)")
    }

    /// A signing that cannot finish (a blob of the image is missing) writes nothing.
    @Test func failedSigningLeavesTheLayoutUnchanged() async throws {
        let f = try await Fixture(), s = f.s, sample = f.sample
        defer { Task { await s.stop() } }
        let layout = f.layout
        let index = try await layout.resolve(.tag("index"))
        let arm = try await layout.manifest(layout.resolve(.digest(OCIDigest(sample.platforms[1].digest)!)))
        try FileManager.default.removeItem(atPath: sample.layout.path + "/" + arm.config.digest.blobPath)
        let before = sample.layout.snapshot()
        await #expect(throws: ImageStoreError.missingBlob(arm.config.digest)) { try await ImageSigner.targets(index, in: layout, recursive: true) }
        // A log that refuses the upload: nothing is written either.
        let session = try await KeySigner(privateKeyInfo: Array(P256.Signing.PrivateKey().derRepresentation), trustedRoot: s.root,
                                          log: LogClient(baseURL: "http://127.0.0.1:1")).session
        await #expect(throws: SigningError.self) { try await ImageSigner(session: session).sign([try await layout.resolve(.tag("app"))], in: layout) }
        #expect(sample.layout.snapshot() == before)
    }
}
