import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil sign-image IMAGE`: signs the image manifest's digest and stores the bundle beside the
/// image as an OCI 1.1 referrer, in a layout or a registry.
struct SignImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-image",
        abstract: "Sign an image in a registry or an OCI image layout; the bundle is stored beside it as an OCI 1.1 referrer.",
        discussion: """
            What is signed is the manifest: a message signature over the SHA-256 of the manifest's bytes, logged as a
            hashedrekord whose digest is the manifest digest (so `sigil verify-blob manifest.json` verifies it too).
            A tag is resolved to a digest once; the digest is what is signed and printed.
            The bundle is stored as an artifact manifest (artifactType application/vnd.dev.sigstore.bundle.v0.3+json,
            empty config, one bundle layer, subject = the signed manifest), found through the registry's referrers API,
            or the OCI 1.1 fallback tag sha256-<hex> when the registry has no such API, or a layout's index.json.
            With --recursive, an image index and each of its platform manifests are signed.
            Examples:
              sigil sign-image registry.example.com/team/app@sha256:0123… --identity-token "$TOKEN"
              sigil sign-image 127.0.0.1:5000/app:v1.2 --trust-config .sigil/trust_config.json
              sigil sign-image ./app-layout:v1.2 --recursive --key release.key
            """)

    @OptionGroup var options: ImageSigningOptions

    func run() async throws {
        let ((opened, targets), session) = try await ImageReport.withSession(options.signing) { try await options.open() }
        try await ImageReport.run(opened, verb: "Signed", session: session, json: options.json) { signer in
            try await signer.sign(targets, in: opened.store)
        }
    }
}

/// `attest-image`: the same, for an in-toto statement about the image.
struct AttestImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest-image",
        abstract: "Attest an image in a registry or an OCI image layout (in-toto statement, DSSE); stored as an OCI 1.1 referrer.",
        discussion: """
            The statement's subject is the manifest digest, named after the repository (HOST/REPO) or the layout folder
            (and tag). The referrer carries the annotations dev.sigstore.bundle.content=dsse-envelope and
            dev.sigstore.bundle.predicateType.
            Examples:
              sigil attest-image 127.0.0.1:5000/app:v1.2 --predicate scan.json --type vuln
              sigil attest-image ./app-layout:v1.2 --predicate provenance.json --type slsaprovenance1
            """)

    @OptionGroup var predicate: PredicateOptions

    @OptionGroup var options: ImageSigningOptions

    func run() async throws {
        let (predicateType, predicateValue) = try predicate.read()
        let ((opened, targets), session) = try await ImageReport.withSession(options.signing) { try await options.open() }
        let name = opened.subjectName
        try await ImageReport.run(opened, verb: "Attested", session: session, json: options.json) { signer in
            try await signer.attest(targets, name: name, predicateType: predicateType, predicate: predicateValue, in: opened.store)
        }
    }
}

/// The image, `--recursive`, the signing and registry options and `--json` of sign-image and attest-image.
struct ImageSigningOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @Flag(help: "Also sign or attest each platform manifest of an image index.")
    var recursive = false

    @OptionGroup var signing: SigningOptions

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    /// The opened image and what to sign in it, every blob they need checked.
    func open() async throws -> (ImageInput.Opened, [OCIDescriptor]) {
        let opened = try await ImageInput.open(image, registry: registry)
        return (opened, try await ImageInput.attempt(image) { try await ImageSigner.targets(opened.image, in: opened.store, recursive: recursive) })
    }
}

/// Output of the image signing commands.
enum ImageReport {
    struct Line: Encodable {
        let image: String
        let digest: String
        let referrer: String
        let identity: String?
        let issuer: String?
        let logIndex: Int64
        let integratedTime: Int64
    }

    /// Runs `open` and, for keyless signing, starts the signing session (an ephemeral key and its
    /// certificate from the CA) at the same time, so the CA's round trip overlaps the registry's.
    /// A key is opened after: its password prompt must not race a password read from stdin.
    static func withSession<T>(_ signing: SigningOptions, _ open: () async throws -> T) async throws -> (T, SigningSession) {
        if signing.key != nil {
            let opened = try await open()
            return (opened, try await session(signing))
        }
        async let started = session(signing)
        let opened = try await open()
        return (opened, try await started)
    }

    /// The signing session, its failure as a CLI message.
    static func session(_ signing: SigningOptions) async throws -> SigningSession {
        do { return try await signing.session() } catch { throw CLIError(error.description) }
    }

    /// Runs `body` (which signs and attaches) with the session, and reports.
    static func run(_ opened: ImageInput.Opened, verb: String, session: SigningSession, json: Bool,
                    _ body: (ImageSigner) async throws -> [ImageSigner.Attached]) async throws {
        let attached: [ImageSigner.Attached]
        do {
            attached = try await body(ImageSigner(session: session))
        } catch let error as SigningError {
            throw CLIError(error.description)
        } catch let error as ImageStoreError {
            throw CLIError("\(opened.text): \(error)")
        }
        try await print(attached, verb: verb, opened: opened, json: json)
    }

    static func print(_ attached: [ImageSigner.Attached], verb: String, opened: ImageInput.Opened, json: Bool) async throws {
        Output.notices(of: attached.map(\.result))
        var lines: [Line] = []
        for a in attached {
            lines.append(Line(image: await opened.describe(a.target), digest: a.target.digest.description, referrer: a.referrer.digest.description,
                              identity: a.result.identity?.subjectAlternativeNames.first, issuer: a.result.identity?.issuer,
                              logIndex: a.result.logIndex,
                              // A Rekor v2 entry has no integrated time: its timestamp stands in.
                              integratedTime: a.result.integratedTime != 0 ? a.result.integratedTime
                                  : Int64(a.result.timestamp?.timeIntervalSince1970 ?? 0)))
        }
        if json {
            try Output.json(lines)
            return
        }
        for (a, line) in zip(attached, lines) {
            Swift.print("\(verb) \(line.image) as \(SigningOptions.describe(a.result.identity)); log index \(a.result.logIndex)")
            Swift.print("  referrer \(a.referrer.digest) stored in \(opened.store.location)")
        }
    }
}
