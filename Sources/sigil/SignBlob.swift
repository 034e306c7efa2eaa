import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// `sigil sign-blob FILE`: keyless (an ephemeral key, a certificate for the caller's OIDC
/// identity) or, with `--key`, with a managed key. Writes a bundle v0.3 only after the
/// certificate, the log entry's proofs and the whole bundle have been verified; on any failure
/// nothing is written.
struct SignBlob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-blob",
        abstract: "Sign a file and record the signature in the transparency log; writes a Sigstore bundle.",
        discussion: """
            The identity token comes from --identity-token, then SIGSTORE_ID_TOKEN, then GitHub Actions
            (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). With --key, the key's password comes from SIGIL_PASSWORD
            or a prompt.
            Examples:
              sigil sign-blob --trust-config .sigil/trust_config.json --identity-token "$JWT" artifact.tgz
              sigil sign-blob --key release.key artifact.tgz
            """)

    @Argument(help: "The file to sign.")
    var file: String

    @Option(help: "Where to write the bundle (default FILE.sigstore.json).")
    var bundle: String?

    @OptionGroup var signing: SigningOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let output = bundle ?? file + ".sigstore.json"
        try BundleOutput.check(output, against: [("file being signed", file)])
        do {
            let digest = try ArtifactDigest(fileAt: file)
            let result = try await signing.session().sign(.digest(digest))
            try BundleWriter.write(result.bundle, to: output)
            Output.notices(of: [result])
            try report(result, bundlePath: output)
        } catch let error as SigningError {
            throw CLIError(error.description)
        }
    }

    private func report(_ result: SigningResult, bundlePath: String) throws {
        if json {
            try Output.json(SignReport(result, bundle: bundlePath))
        } else {
            print("Signed \(file) as \(SigningOptions.describe(result.identity)); \(Self.describeLogging(result))")
            print("Wrote bundle to \(bundlePath)")
        }
    }

    /// `log index N, integrated time T` (Rekor v1) or `Rekor v2 log index N, timestamp T` (TSA time).
    static func describeLogging(_ result: SigningResult) -> String {
        if let timestamp = result.timestamp {
            return "Rekor v2 log index \(result.logIndex), timestamp \(RFC3339.format(timestamp))"
        }
        return "log index \(result.logIndex), integrated time \(format(result.integratedTime))"
    }

    static func format(_ unixSeconds: Int64) -> String {
        // Hand-rolled: Foundation's formatters build a calendar and find the time zone first, a
        // noticeable part of a 10 ms verify-blob.
        RFC3339.format(Date(timeIntervalSince1970: Double(unixSeconds)))
    }
}

/// `sign-blob --json` output (and `attest --json`).
struct SignReport: Encodable {
    let bundle: String
    let identity: String?
    let issuer: String?
    let logIndex: Int64
    let integratedTime: Int64
    /// RFC 3339 TSA time, for a bundle logged through Rekor v2.
    let timestamp: String?

    init(_ result: SigningResult, bundle: String) {
        self.bundle = bundle
        identity = result.identity?.subjectAlternativeNames.first
        issuer = result.identity?.issuer
        logIndex = result.logIndex
        integratedTime = result.integratedTime
        timestamp = result.timestamp.map(RFC3339.format)
    }
}
