import Foundation
import SigilClient
import SigstoreKit

/// Opening an image for the image commands, from a layout (`./DIR[:tag|@sha256:…]`,
/// `oci:DIR…`) or a registry (`HOST[:PORT]/REPO[:TAG][@DIGEST]`): every problem (not a layout,
/// an unreachable registry, wrong credentials, an unknown tag, a corrupt manifest) becomes one
/// clear message naming the reference, before anything is written. A tag is resolved to a digest
/// once, here; everything after works on that digest.
enum ImageInput {
    static let argumentHelp = "The image: HOST[:PORT]/REPO[:TAG][@sha256:<hex>], or a layout ./DIR[:tag|@sha256:<hex>] or oci:DIR[…]."

    struct Opened {
        let text: String
        let reference: ImageReference
        let store: any ImageStore
        let image: OCIDescriptor

        /// The statement subject name for this image.
        var subjectName: String { reference.subjectName(for: image) }

        /// `LOCATION@sha256:…` for `descriptor`, with its platform or tags.
        func describe(_ descriptor: OCIDescriptor) async -> String { await store.describe(descriptor) }
    }

    static func open(_ text: String, registry: RegistryAccessOptions) async throws -> Opened {
        let reference = try attempt(text) { try ImageReference(parsing: text) }
        return try await open(text, reference: reference, options: try registry.options(credentialsFor: reference.registry))
    }

    /// With registry settings already read (a password read from standard input can be read once).
    static func open(_ text: String, reference: ImageReference, options: RegistryOptions) async throws -> Opened {
        try await attempt(text) {
            let store = try reference.open(registry: options)
            return Opened(text: text, reference: reference, store: store, image: try await store.resolve(reference.selector))
        }
    }

    /// Runs a store operation, naming the image in its error.
    static func attempt<T>(_ text: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ImageStoreError { throw CLIError("\(text): \(error)") }
    }

    /// The same, for a synchronous step (parsing a reference, opening a layout).
    static func attempt<T>(_ text: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ImageStoreError { throw CLIError("\(text): \(error)") }
    }
}
