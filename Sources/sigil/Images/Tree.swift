import ArgumentParser
import Foundation
import SigilClient
import SigstoreKit

/// `sigil tree IMAGE`: what is attached to an image, as the store's referrer listings and the
/// referrer manifests say (nothing is verified: use verify-image for that).
struct Tree: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "List the signatures, attestations and lifecycle statements attached to an image, and what is attached to them (unverified).",
        discussion: """
            Examples:
              sigil tree 127.0.0.1:5000/app:v1.2
              sigil tree ./app-layout:v1.2
            """)

    @Argument(help: ArgumentHelp(stringLiteral: ImageInput.argumentHelp))
    var image: String

    @OptionGroup var registry: RegistryAccessOptions

    @Flag(help: "Print the tree as JSON.")
    var json = false

    struct Node: Encodable {
        let digest: String
        let mediaType: String
        let platform: String?
        let tags: [String]
        let attached: [Attachment]
        let manifests: [Node]
    }

    struct Attachment: Encodable {
        let digest: String
        let kind: String
        let artifactType: String
        let created: String?
        let signer: String?
        let lifecycleStatus: String?
        /// Referrers of this referrer, such as a signature over an attestation.
        let attached: [Attachment]
    }

    func run() async throws {
        let opened = try await ImageInput.open(image, registry: registry)
        var shown: Set<OCIDigest> = []
        let root = try await ImageInput.attempt(image) { try await node(opened.image, in: opened.store, shown: &shown) }
        if json {
            try Output.json(root)
        } else {
            print("\(opened.store.location)@\(root.digest) \(root.mediaType)" + (root.tags.isEmpty ? "" : " [\(root.tags.joined(separator: ", "))]"))
            render(root, prefix: "")
            print("(annotations as written; run verify-image to verify)")
        }
    }

    /// `shown` holds the manifests already expanded: a child an index lists again is named but not
    /// expanded again, so a hostile index cannot make the tree grow exponentially.
    private func node(_ descriptor: OCIDescriptor, in store: any ImageStore, depth: Int = 1, shown: inout Set<OCIDigest>) async throws -> Node {
        guard shown.insert(descriptor.digest).inserted else {
            return Node(digest: descriptor.digest.description, mediaType: descriptor.mediaType, platform: descriptor.platformName,
                        tags: [], attached: [], manifests: [])
        }
        guard depth <= OCIImageLayout.maximumIndexDepth else {
            throw ImageStoreError.malformed("\(descriptor.digest): image indexes nest more than \(OCIImageLayout.maximumIndexDepth) deep")
        }
        var manifests: [Node] = []
        for child in try await store.children(of: descriptor) {
            manifests.append(try await node(child, in: store, depth: depth + 1, shown: &shown))
        }
        return Node(digest: descriptor.digest.description, mediaType: descriptor.mediaType, platform: descriptor.platformName,
                    tags: await store.tags(of: descriptor.digest), attached: try await attachments(of: descriptor.digest, in: store, depth: 1, shown: &shown),
                    manifests: manifests)
    }

    /// Each referrer is expanded once (`shown`), so referrers that refer to each other cannot loop
    /// or fan out.
    private func attachments(of digest: OCIDigest, in store: any ImageStore, depth: Int, shown: inout Set<OCIDigest>) async throws -> [Attachment] {
        guard depth <= maximumReferrerDepth else { return [] }
        var found: [Attachment] = []
        for referrer in try await store.referrers(of: digest) where shown.insert(referrer.descriptor.digest).inserted {
            let annotations = referrer.manifest.annotations
            found.append(Attachment(digest: referrer.descriptor.digest.description,
                              kind: ImageVerifier.Kind(claimedBy: referrer.descriptor, manifest: referrer.manifest).description,
                              artifactType: referrer.manifest.effectiveArtifactType, created: annotations[OCIAnnotation.created],
                              signer: annotations[OCIAnnotation.signerIdentity], lifecycleStatus: annotations[OCIAnnotation.lifecycleStatus],
                              attached: try await attachments(of: referrer.descriptor.digest, in: store, depth: depth + 1, shown: &shown)))
        }
        return found
    }

    /// One printed branch: an attachment with its own referrers, or a child manifest.
    private enum Branch {
        case attachment(Attachment)
        case manifest(Node)
    }

    private func render(_ node: Node, prefix: String) {
        render(node.attached.map(Branch.attachment) + node.manifests.map(Branch.manifest), prefix: prefix)
    }

    private func render(_ branches: [Branch], prefix: String) {
        for (k, branch) in branches.enumerated() {
            let last = k == branches.count - 1
            let inner = prefix + (last ? "    " : "│   ")
            switch branch {
            case .attachment(let a):
                var text = "\(a.kind) \(OCIDigest(a.digest)?.short ?? a.digest)"
                if let status = a.lifecycleStatus { text += " status=\(status)" }
                if let signer = a.signer { text += " signer=\(signer)" }
                if let created = a.created { text += " created=\(created)" }
                print(prefix + (last ? "└── " : "├── ") + text)
                render(a.attached.map(Branch.attachment), prefix: inner)
            case .manifest(let child):
                print(prefix + (last ? "└── " : "├── ") + "manifest \(OCIDigest(child.digest)?.short ?? child.digest)"
                      + (child.platform.map { " (\($0))" } ?? ""))
                render(child, prefix: inner)
            }
        }
    }
}
