import Foundation
import TestSupport
import Testing
import X509
@testable import SigstoreKit
import WireFormat

/// Files of the Sigstore conformance suite's offline cases, copied into `fixtures/conformance/`
/// (`cases.json` and `assets/`; see fixtures/README.md).
enum ConformanceFixtures {
    static func bytes(_ relative: String) throws -> [UInt8] {
        try Fixtures.bytes("conformance/" + relative)
    }

    static func productionRoot() throws -> TrustedRoot {
        try TrustedRoot(parsing: bytes("assets/production_trusted_root.json"))
    }

    /// The leaf certificate of a case's bundle (v0.3 `certificate` or the first chain entry).
    static func leaf(ofCase dir: String) throws -> Certificate {
        let json = try JSONValue(parsing: bytes("assets/bundle-verify/\(dir)/bundle.sigstore.json"))
        let material = try #require(json["verificationMaterial"])
        let raw = try #require(material["certificate"]?["rawBytes"]?.stringValue
            ?? material["x509CertificateChain"]?["certificates"]?[0]?["rawBytes"]?.stringValue)
        return try Certificate(derEncoded: try #require(StrictBase64.decode(raw)))
    }
}


/// One case of `fixtures/conformance/cases.json`, run through the library (not the CLI).
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let id: String
    let dir: String
    let expectPass: Bool
    let args: [String]

    var testDescription: String { id }

    /// The value following `flag` in the argument list.
    func option(_ flag: String) -> String? {
        guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
        return args[i + 1]
    }

    static let all: [ConformanceCase] = (try? load()) ?? []

    static func load() throws -> [ConformanceCase] {
        let json = try JSONValue(parsing: ConformanceFixtures.bytes("cases.json"))
        return (json["cases"]?.arrayValue ?? []).compactMap { c in
            guard let id = c["id"]?.stringValue, let dir = c["dir"]?.stringValue, let expect = c["expect"]?.stringValue,
                  let args = c["args"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
            return ConformanceCase(id: id, dir: dir, expectPass: expect == "pass", args: args)
        }
    }
}

/// How the library rejected a case: at a verification step, or before verification started.
enum Rejection: Equatable, CustomStringConvertible {
    case step(VerificationStep)
    /// `Bundle(parsing:)` threw: every case that exercises the bundle format.
    case bundle
    /// `TrustedRoot(parsing:)` threw.
    case trustedRoot
    /// The `--key` file is not a usable public key (so no policy can name it).
    case key

    var description: String {
        switch self {
        case .step(let step): "step \(step)"
        case .bundle: "bundle parsing"
        case .trustedRoot: "trusted-root parsing"
        case .key: "key parsing"
        }
    }
}

/// The check each must-fail case dir was written for (conformance README, per-case table).
let expectedRejections: [String: Rejection] = [
    "bundle-empty-certificate-chain_fail": .bundle,
    "bundle-from-wrong-instance_fail": .step(.certificateChain),
    "bundle-invalid-base64-signature_fail": .bundle,
    "bundle-malformed-json_fail": .bundle,
    "bundle-negative-log-index_fail": .bundle,
    "bundle-unknown-version_fail": .bundle,
    "bundle-with-root-cert_fail": .step(.certificateChain),
    "checkpoint-bad-keyhint_fail": .step(.checkpoint),
    "checkpoint-wrong-roothash_fail": .step(.checkpoint),
    "dsse-invalid-sig_fail": .step(.signature),
    "dsse-mismatch-envelope_fail": .step(.logEntryBody),
    "dsse-mismatch-sig_fail": .step(.logEntryBody),
    "inclusion-proof-corrupted-hash_fail": .step(.inclusionProof),
    "incorrect-public-key_fail": .step(.logEntryBody),
    "integrated-time-in-future_fail": .step(.signingTime),
    "intoto-expired-certificate_fail": .step(.certificateChain),
    "intoto-log-entry-mismatch_fail": .step(.logEntryBody),
    "intoto-missing-inclusion-proof_fail": .step(.inclusionProof),
    "intoto-set-outside-signing-cert-validity_fail": .step(.signingTime),
    "intoto-tsa-timestamp-outside-cert-validity_fail": .step(.signingTime),
    "invalid-checkpoint-signature_fail": .step(.checkpoint),
    "invalid-ct-key_fail": .step(.sct),
    "invalid-inclusion-proof_fail": .step(.inclusionProof),
    "managed-key-no-key_fail": .step(.identity),
    "managed-key-wrong-key_fail": .key,
    "message-digest-mismatch_fail": .step(.signature),
    "rekor2-checkpoint-missing-log-signature_fail": .step(.checkpoint),
    "rekor2-checkpoint-missing-origin_fail": .step(.checkpoint),
    "rekor2-checkpoint-missing-root-hash_fail": .step(.checkpoint),
    "rekor2-checkpoint-missing-size_fail": .step(.checkpoint),
    "rekor2-checkpoint-no-matching-signature_fail": .step(.checkpoint),
    "rekor2-dsse-invalid-sig_fail": .step(.signature),
    "rekor2-dsse-mismatch-envelope_fail": .step(.logEntryBody),
    "rekor2-dsse-mismatch-sig_fail": .step(.logEntryBody),
    "rekor2-no-inclusion-proof_fail": .step(.inclusionProof),
    "rekor2-no-timestamp_fail": .step(.timestamp),
    "rekor2-timestamp-outside-trust-root-tsa-validity_fail": .step(.timestamp),
    "rekor2-timestamp-outside-tsa-cert-validity_fail": .step(.timestamp),
    "rekor2-timestamp-payload-mismatch_fail": .step(.timestamp),
    "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail": .step(.timestamp),
    "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail": .step(.timestamp),
    "rekor2-timestamp-with-incorrect-time_fail": .step(.signingTime),
    "set-invalid-signature_fail": .step(.signedEntryTimestamp),
    "signature-mismatch_fail": .step(.signature),
    "trust-root-tlog-missing-validity-start_fail": .trustedRoot,
    "wrong-hashedrekord-artifact_fail": .step(.logEntryBody),
    "wrong-hashedrekord-cert-and-sig_fail": .step(.logEntryBody),
    "wrong-hashedrekord-entry_fail": .step(.logEntryBody),
    "wrong-material_fail": .step(.signature),
]

@Suite struct ConformanceTests {
    @Test func allCasesLoad() {
        #expect(ConformanceCase.all.count == 140)
        let failing = Set(ConformanceCase.all.filter { !$0.expectPass }.map(\.dir))
        #expect(failing == Set(expectedRejections.keys))
    }

    @Test(arguments: ConformanceCase.all)
    func verify(_ c: ConformanceCase) async throws {
        let outcome = try await Self.run(c)
        if c.expectPass {
            #expect(outcome == nil, "rejected at \(outcome.map(String.init(describing:)) ?? "")")
        } else {
            #expect(outcome == expectedRejections[c.dir])
        }
    }

    /// Runs one case; nil means verified.
    static func run(_ c: ConformanceCase) async throws -> Rejection? {
        func file(_ path: String) throws -> [UInt8] { try ConformanceFixtures.bytes("assets/" + path) }
        let root: TrustedRoot
        do { root = try TrustedRoot(parsing: file(try #require(c.option("--trusted-root")))) } catch is TrustedRootError { return .trustedRoot }
        let bundle: SigstoreBundle
        do { bundle = try SigstoreBundle(parsing: file(try #require(c.option("--bundle")))) } catch is BundleError { return .bundle }
        let signer: VerificationPolicy.Signer
        if let keyPath = c.option("--key") {
            do { signer = .publicKey(try VerificationKey(pem: String(decoding: try file(keyPath), as: UTF8.self))) } catch is KeyError { return .key }
        } else {
            signer = .certificate(try CertificateIdentity(subject: .exact(try #require(c.option("--certificate-identity"))),
                                                          issuer: .exact(try #require(c.option("--certificate-oidc-issuer")))))
        }
        let target = try #require(c.args.last)
        let artifact: VerificationPolicy.Artifact = target.hasPrefix("sha256:")
            ? .digest(algorithm: .sha256, bytes: try #require(LowercaseHex.decode(String(target.dropFirst(7)))))
            : .bytes(try file(target))
        let policy = try VerificationPolicy(artifact: artifact, signer: signer)
        do throws(VerificationError) {
            _ = try await BundleVerifier(trustedRoot: root).verify(bundle, policy: policy)
            return nil
        } catch {
            return .step(error.step)
        }
    }
}
