import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil sign-image LAYOUT[:tag|@sha256:…]`: signs the image manifest's digest and stores the
/// bundle in the layout as an OCI 1.1 referrer.
struct SignImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-image",
        abstract: "Sign an image in an OCI image layout; the bundle is stored in the layout as an OCI 1.1 referrer.",
        discussion: """
            What is signed is the manifest: a message signature over the SHA-256 of the manifest's bytes, logged as a
            hashedrekord whose digest is the manifest digest (so `sigil verify-blob manifest.json` verifies it too).
            The bundle is stored as an artifact manifest (artifactType application/vnd.dev.sigstore.bundle.v0.3+json,
            empty config, one bundle layer, subject = the signed manifest) added to index.json; nothing else is rewritten.
            With --recursive, an image index and each of its platform manifests are signed.
            Examples:
              sigil sign-image ./app-layout:v1.2 --trust-config .sigil/trust_config.json
              sigil sign-image ./app-layout@sha256:0123… --recursive --key release.key
            """)

    @OptionGroup var options: ImageSigningOptions

    func run() async throws {
        var (opened, targets) = try options.open()
        try await ImageReport.run(&opened, verb: "Signed", signing: options.signing, json: options.json) { signer, layout in
            try await signer.sign(targets, in: &layout)
        }
    }
}

/// `attest-image`: the same, for an in-toto statement about the image.
struct AttestImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest-image",
        abstract: "Attest an image in an OCI image layout (in-toto statement, DSSE); stored as an OCI 1.1 referrer.",
        discussion: """
            The statement's subject is the manifest digest, named after the layout folder (and tag). The referrer carries
            the annotations dev.sigstore.bundle.content=dsse-envelope and dev.sigstore.bundle.predicateType.
            Example:
              sigil attest-image ./app-layout:v1.2 --predicate provenance.json --type slsaprovenance1
            """)

    @OptionGroup var predicate: PredicateOptions

    @OptionGroup var options: ImageSigningOptions

    func run() async throws {
        let (predicateType, predicateValue) = try predicate.read()
        var (opened, targets) = try options.open()
        let name = opened.subjectName
        try await ImageReport.run(&opened, verb: "Attested", signing: options.signing, json: options.json) { signer, layout in
            try await signer.attest(targets, name: name, predicateType: predicateType, predicate: predicateValue, in: &layout)
        }
    }
}

/// The image, `--recursive`, the signing options and `--json` of sign-image and attest-image.
struct ImageSigningOptions: ParsableArguments {
    @Argument(help: "The image: LAYOUT, LAYOUT:tag or LAYOUT@sha256:<hex>.")
    var image: String

    @Flag(help: "Also sign or attest each platform manifest of an image index.")
    var recursive = false

    @OptionGroup var signing: SigningOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    /// The opened layout and what to sign in it, every blob they need checked.
    func open() throws -> (LayoutInput.Opened, [OCIDescriptor]) {
        let opened = try LayoutInput.open(image)
        return (opened, try LayoutInput.attempt(image) { try ImageSigner.targets(opened.image, in: opened.layout, recursive: recursive) })
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

    /// Opens a signing session, runs `body` (which signs and attaches), and reports.
    static func run(_ opened: inout LayoutInput.Opened, verb: String, signing: SigningOptions, json: Bool,
                    _ body: (ImageSigner, inout OCIImageLayout) async throws -> [ImageSigner.Attached]) async throws {
        let attached: [ImageSigner.Attached]
        do {
            attached = try await body(ImageSigner(session: signing.session()), &opened.layout)
        } catch let error as SigningError {
            throw CLIError(error.description)
        } catch let error as ImageStoreError {
            throw CLIError("\(opened.reference): \(error)")
        }
        try print(attached, verb: verb, opened: opened, json: json)
    }

    static func print(_ attached: [ImageSigner.Attached], verb: String, opened: LayoutInput.Opened, json: Bool) throws {
        if json {
            try Output.json(attached.map { a in
                Line(image: opened.describe(a.target), digest: a.target.digest.description, referrer: a.referrer.digest.description,
                     identity: a.result.identity?.subjectAlternativeNames.first, issuer: a.result.identity?.issuer,
                     logIndex: a.result.logIndex, integratedTime: a.result.integratedTime)
            })
            return
        }
        for a in attached {
            Swift.print("\(verb) \(opened.describe(a.target)) as \(SigningOptions.describe(a.result.identity)); log index \(a.result.logIndex)")
            Swift.print("  referrer \(a.referrer.digest) added to \(opened.reference.layout)/index.json")
        }
    }
}
