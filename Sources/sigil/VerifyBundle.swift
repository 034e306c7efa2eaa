import ArgumentParser
import Foundation
import SigstoreKit
import WireFormat

/// `sigil verify-bundle`: the entrypoint protocol of the Sigstore conformance suite
/// (sigstore/sigstore-conformance). Offline: the bundle, the artifact (or its digest) and a
/// trusted root are all it reads. Exit status 0 means verified.
struct VerifyBundle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-bundle",
        abstract: "Verify a Sigstore bundle offline (sigstore-conformance protocol).",
        discussion: """
            Example:
              sigil verify-bundle --bundle a.txt.sigstore.json --certificate-identity me@example.com \\
                --certificate-oidc-issuer https://accounts.google.com --trusted-root trusted_root.json a.txt
            FILE_OR_DIGEST is a path, or sha256:<64 lowercase hex> when no such path exists.
            """)

    @Flag(help: "Use the staging instance (needs --trusted-root: Sigil embeds no instance roots).")
    var staging = false

    @Option(help: "The bundle file.")
    var bundle: String

    @Option(help: "A SAN the signing certificate must carry, exactly.")
    var certificateIdentity: String?

    @Option(help: "The OIDC issuer the signing certificate must name, exactly.")
    var certificateOidcIssuer: String?

    @Option(help: "PEM public key for bundles signed with a managed key (replaces identity and issuer).")
    var key: String?

    @Option(help: "Trusted root JSON (application/vnd.dev.sigstore.trustedroot+json).")
    var trustedRoot: String?

    @Argument(help: "The artifact path, or sha256:<hex>.")
    var fileOrDigest: String

    func run() async throws {
        let root = try loadTrustedRoot()
        let parsed: SigstoreBundle
        do { parsed = try SigstoreBundle(parsing: try BundleFiles.read(bundle, what: "bundle")) } catch let error as BundleError {
            throw CLIError("\(bundle): \(error)")
        }
        let policy = try VerificationPolicy(artifact: try BundleFiles.artifact(fileOrDigest), signer: try signer())
        do {
            let result = try await BundleVerifier(trustedRoot: root).verify(parsed, policy: policy)
            print("Verified OK: \(Self.describe(result))")
        } catch {
            throw CLIError("\(error)")
        }
    }

    private func loadTrustedRoot() throws -> TrustedRoot {
        guard let trustedRoot else {
            throw CLIError("no --trusted-root given; Sigil embeds no \(staging ? "staging" : "production") root, pass one explicitly")
        }
        do { return try TrustedRoot(parsing: try BundleFiles.read(trustedRoot, what: "trusted root")) } catch let error as TrustedRootError {
            throw CLIError("\(trustedRoot): \(error)")
        }
    }

    private func signer() throws -> VerificationPolicy.Signer {
        if let key {
            guard certificateIdentity == nil, certificateOidcIssuer == nil else {
                throw ValidationError("--key replaces --certificate-identity and --certificate-oidc-issuer")
            }
            let pem = String(decoding: try BundleFiles.read(key, what: "key"), as: UTF8.self)
            do { return .publicKey(try VerificationKey(pem: pem)) } catch { throw CLIError("\(key): \(error)") }
        }
        guard let certificateIdentity, let certificateOidcIssuer else {
            throw ValidationError("give --certificate-identity and --certificate-oidc-issuer, or --key")
        }
        return .certificate(try CertificateIdentity(subject: .exact(certificateIdentity), issuer: .exact(certificateOidcIssuer)))
    }

    static func describe(_ result: VerificationResult) -> String {
        let who: String = switch result.signer {
        case .certificate(let subject, let issuer): "\(subject ?? "?") (issuer \(issuer ?? "?"))"
        case .publicKey(let key): "public key \(StrictBase64.encode(key.keyID))"
        }
        let indexes = result.logEntries.map { String($0.logIndex) }.joined(separator: ", ")
        return UntrustedText.escaped("\(who), log index \(indexes)")  // certificate text: nothing that draws on the terminal
    }
}

/// File input for the verify commands: bounded reads with clear messages, and the
/// conformance suite's FILE_OR_DIGEST rule.
enum BundleFiles {
    /// Bundles, roots and keys are small; refuse anything absurd instead of exhausting memory.
    static let maximumDocumentSize = 64 << 20

    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("\(path): cannot open the \(what) file") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maximumDocumentSize + 1) ?? Data()
        guard data.count <= maximumDocumentSize else { throw CLIError("\(path): the \(what) file is larger than \(maximumDocumentSize) bytes") }
        return Array(data)
    }

    /// `sha256:<64 lowercase hex>` that is not an existing path is a digest; anything else a path.
    static func artifact(_ argument: String) throws -> VerificationPolicy.Artifact {
        if argument.hasExactPrefix("sha256:"), !FileManager.default.fileExists(atPath: argument),
           let digest = LowercaseHex.decode(String(argument.dropFirst(7))), digest.count == 32 {
            return .digest(algorithm: .sha256, bytes: digest)
        }
        guard let data = FileManager.default.contents(atPath: argument) else {
            throw CLIError("\(argument): cannot read the artifact")
        }
        return .bytes(Array(data))
    }
}
