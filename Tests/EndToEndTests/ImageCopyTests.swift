import Foundation
import SigstoreKit
import TestSupport
import Testing
import WireFormat

/// `sigil copy` between layouts: the quarantine pattern (a promotion policy that first refuses,
/// writing nothing, then passes), every referrer carried along, and the copy verifiable where it
/// lands. The same command against registries is covered by the registry tests.
@Suite(.timeLimit(.minutes(5))) struct ImageCopyTests {
    func sigil(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToCompletion(AttestationAndImageTests.sigilBinary, arguments)
    }

    @Test func promotionCopiesEveryReferrerOnlyWhenThePolicyPasses() async throws {
        let directory = TemporaryDirectory()
        let stack = try await SigilStack(directory: directory.path("servers"))
        defer { stack.stop() }
        let sample = try TestImageLayout.sample(at: directory.path("quarantine"))
        let quarantine = sample.layout.path, production = directory.path("production")
        let alice = try await stack.token("alice@example.com"), ops = try await stack.token("ops@example.com")
        #expect(try sigil(["sign-image", quarantine + ":index", "--recursive", "--identity-token", alice] + stack.signingFlags).status == 0)
        let quarantined = try sigil(["lifecycle", "set", quarantine + ":index", "--status", "quarantined", "--reason", "scan pending",
                                     "--identity-token", ops] + stack.signingFlags)
        #expect(quarantined.status == 0, "\(quarantined.output)")
        let policy = directory.path("promote.json")
        try """
            {"identities": {"release": [{"issuer": "\(stack.oidcURL)", "subject": "alice@example.com"}],
                            "ops": [{"issuer": "\(stack.oidcURL)", "subject": "ops@example.com"}]},
             "lifecycleSigners": "ops",
             "rules": [{"rule": "signed", "by": "release"}, {"rule": "notQuarantined"}]}
            """.write(toFile: policy, atomically: true, encoding: .utf8)
        let promote = ["copy", quarantine + ":index", production, "--policy", policy, "--trust-config", stack.trustConfig]

        let refused = try sigil(promote)
        #expect(refused.status != 0)
        #expect(refused.output.contains("FAIL not quarantined") && refused.output.contains("scan pending"), "\(refused.output)")
        #expect(refused.output.contains("nothing was copied"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: production), "a refused promotion wrote to the destination")

        #expect(try sigil(["lifecycle", "set", quarantine + ":index", "--status", "active", "--identity-token", ops] + stack.signingFlags).status == 0)
        let copied = try sigil(promote + ["--json"])
        #expect(copied.status == 0, "\(copied.output)")
        let result = try JSONValue(parsing: Array(copied.output.utf8))
        #expect(result["digest"]?.stringValue == sample.index.digest)
        #expect(result["manifests"] == 3, "the index and its two platform manifests")
        #expect(result["referrers"]?.arrayValue?.count == 5, "three signatures and two lifecycle statements: \(copied.output)")
        #expect(result["policy"]?["passed"] == true)

        // The copy lands tagged as the source was, and verifies in its new place with its own referrers.
        let asAlice = ["--trust-config", stack.trustConfig, "--certificate-identity", "alice@example.com", "--certificate-oidc-issuer", stack.oidcURL]
        let verified = try sigil(["verify-image", production + ":index", "--recursive"] + asAlice)
        #expect(verified.status == 0, "\(verified.output)")
        let gate = try sigil(["policy", "check", production + ":index", "--policy", policy, "--trust-config", stack.trustConfig])
        #expect(gate.status == 0, "\(gate.output)")

        // Copying again is idempotent; copying onward under a new tag keeps everything too.
        #expect(try sigil(promote).status == 0)
        let index = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: production + "/index.json"))))
        #expect(index["manifests"]?.arrayValue?.count == 1 + 5, "one image entry and five referrers, none twice: \(index)")
        let onward = try sigil(["copy", production + ":index", directory.path("archive") + ":v1.2"])
        #expect(onward.status == 0, "\(onward.output)")
        #expect(try sigil(["verify-image", directory.path("archive") + ":v1.2", "--recursive"] + asAlice).status == 0)
    }

    /// Progress goes to a terminal only: under `script` (a pseudo-terminal) the line is drawn,
    /// through a pipe the output is the result alone.
    @Test func progressIsDrawnOnATerminalOnly() throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("source"))
        let piped = try sigil(["copy", sample.layout.path + ":index", directory.path("piped")])
        #expect(piped.status == 0, "\(piped.output)")
        #expect(!piped.output.contains("transferred"), "no progress through a pipe: \(piped.output)")
        let command = [AttestationAndImageTests.sigilBinary, "copy", sample.layout.path + ":index", directory.path("terminal")]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let onTerminal = try runToCompletion("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.output)")
        #expect(onTerminal.output.contains("MiB transferred") && onTerminal.output.contains("blobs done"), "\(onTerminal.output)")
        #expect(onTerminal.output.contains("Copied "), "\(onTerminal.output)")
    }

    @Test func aCorruptSourceBlobStopsTheCopyBeforeTheImageIsListed() async throws {
        let directory = TemporaryDirectory()
        let sample = try TestImageLayout.sample(at: directory.path("source"))
        let manifest = try JSONValue(parsing: sample.layout.blob(sample.app.digest))
        let layer = try #require(manifest["layers"]?[0]?["digest"]?.stringValue)
        let path = sample.layout.path + "/blobs/sha256/" + layer.dropFirst(7)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let destination = directory.path("destination")
        let failed = try sigil(["copy", sample.layout.path + ":app", destination])
        #expect(failed.status != 0)
        #expect(failed.output.contains("\(layer) is corrupt"), "\(failed.output)")
        let index = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: destination + "/index.json"))))
        #expect(index["manifests"]?.arrayValue?.isEmpty == true, "nothing findable in the destination: \(index)")
        let blobs = try FileManager.default.contentsOfDirectory(atPath: destination + "/blobs/sha256")
        #expect(!blobs.contains(String(layer.dropFirst(7))) && !blobs.contains { $0.hasPrefix(".") }, "\(blobs)")
    }
}
