import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// The trust the verifying commands use: a trusted root, or the root inside a ClientTrustConfig.
struct TrustedRootOptions: ParsableArguments {
    @Option(help: "Trusted root JSON.")
    var trustedRoot: String?

    /// `--trust-config` (its trustedRoot is used) or `--instance`.
    @OptionGroup var source: TrustSourceOptions

    func validate() throws {
        guard trustedRoot == nil || !source.isGiven else { throw ValidationError("give --trusted-root, --trust-config or --instance, not two") }
    }

    func load() async throws -> TrustedRoot {
        if let trustedRoot {
            do { return try TrustedRoot(parsing: try BundleFiles.read(trustedRoot, what: "trusted root")) } catch let error as TrustedRootError {
                throw CLIError("\(trustedRoot): \(error)")
            }
        }
        do { return try await SigningSetup.trust(source).trustedRoot } catch {
            throw CLIError(source.instance == nil ? "\(error.message); pass --trusted-root, --trust-config or --instance" : error.message)
        }
    }
}

/// Who must have signed, for the verifying commands: a certificate identity (exact or regexp
/// SAN and issuer, optional GitHub workflow claims), or a managed public key.
struct IdentityOptions: ParsableArguments {
    @Option(help: "The SAN the certificate must carry, exactly.")
    var certificateIdentity: String?

    @Option(help: "A regular expression some SAN must match.")
    var certificateIdentityRegexp: String?

    @Option(help: "The OIDC issuer the certificate must name, exactly.")
    var certificateOidcIssuer: String?

    @Option(help: "A regular expression the OIDC issuer must match.")
    var certificateOidcIssuerRegexp: String?

    @Option(help: "GitHub workflow repository (certificate extension 1.3.6.1.4.1.57264.1.5).")
    var certificateGithubWorkflowRepository: String?

    @Option(help: "GitHub workflow ref (…1.6).")
    var certificateGithubWorkflowRef: String?

    @Option(help: "GitHub workflow commit SHA (…1.3).")
    var certificateGithubWorkflowSha: String?

    @Option(help: "GitHub workflow trigger event (…1.2).")
    var certificateGithubWorkflowTrigger: String?

    @Option(help: "GitHub workflow name (…1.4).")
    var certificateGithubWorkflowName: String?

    @Option(help: "PEM public key, for bundles signed with a managed key.")
    var key: String?

    func validate() throws {
        if key != nil {
            let identityFlags: [String?] = [certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer, certificateOidcIssuerRegexp]
            guard identityFlags.allSatisfy({ $0 == nil }) else { throw ValidationError("--key replaces the certificate identity flags") }
            return
        }
        guard (certificateIdentity == nil) != (certificateIdentityRegexp == nil) else {
            throw ValidationError("give exactly one of --certificate-identity and --certificate-identity-regexp (or --key)")
        }
        guard (certificateOidcIssuer == nil) != (certificateOidcIssuerRegexp == nil) else {
            throw ValidationError("give exactly one of --certificate-oidc-issuer and --certificate-oidc-issuer-regexp")
        }
    }

    func signer() throws -> VerificationPolicy.Signer {
        if let key {
            let pem = String(decoding: try BundleFiles.read(key, what: "public key"), as: UTF8.self)
            do { return .publicKey(try VerificationKey(pem: pem)) } catch { throw CLIError("\(key): \(error)") }
        }
        let subject: CertificateIdentity.Matcher = certificateIdentity.map { .exact($0) } ?? .regularExpression(certificateIdentityRegexp ?? "")
        let issuer: CertificateIdentity.Matcher = certificateOidcIssuer.map { .exact($0) } ?? .regularExpression(certificateOidcIssuerRegexp ?? "")
        var extensions: [FulcioExtension: String] = [:]
        extensions[.githubWorkflowRepository] = certificateGithubWorkflowRepository
        extensions[.githubWorkflowRef] = certificateGithubWorkflowRef
        extensions[.githubWorkflowSHA] = certificateGithubWorkflowSha
        extensions[.githubWorkflowTrigger] = certificateGithubWorkflowTrigger
        extensions[.githubWorkflowName] = certificateGithubWorkflowName
        do {
            return .certificate(try CertificateIdentity(subject: subject, issuer: issuer, extensions: extensions))
        } catch {
            throw CLIError("\(error)")
        }
    }
}

/// The dates `--at` and `--end-of-life` take: RFC 3339, or a calendar day (midnight UTC).
enum DateArgument {
    static func parse(_ text: String, option: String) throws -> Date {
        if let date = RFC3339.parse(text) ?? RFC3339.parse(text + "T00:00:00Z") { return date }
        throw ValidationError("\(option) \(text) is not a date (2025-06-30 or 2025-06-30T12:00:00Z)")
    }
}
