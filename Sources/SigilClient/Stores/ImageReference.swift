import Foundation
import SigstoreKit
import WireFormat

/// An image as the command line names it. A path (`/…`, `./…`, `../…`, `.`, `..`, or any
/// existing directory) or `oci:DIR[:tag|@digest]` is an OCI image layout on disk; anything else
/// is a registry reference, `HOST[:PORT]/REPO[:TAG][@DIGEST]`.
public enum ImageReference: Sendable, CustomStringConvertible {
    case layout(OCIReference)
    case registry(RegistryReference)

    public init(parsing text: String) throws(ImageStoreError) {
        guard !text.isEmpty else { throw .badReference("an empty image reference") }
        if text.hasExactPrefix("oci:") {
            let path = String(decoding: text.utf8.dropFirst(4), as: UTF8.self)
            guard !path.isEmpty else { throw .badReference("\(text): no layout directory after oci:") }
            self = .layout(try OCIReference(parsing: path))
        } else if Self.isPath(text) {
            self = .layout(try OCIReference(parsing: text))
        } else {
            self = .registry(try RegistryReference(parsing: text))
        }
    }

    private static func isPath(_ text: String) -> Bool {
        if text.isExactly(".") || text.isExactly("..") { return true }
        if text.hasExactPrefix("/") || text.hasExactPrefix("./") || text.hasExactPrefix("../") { return true }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Which image of the store the reference names.
    public var selector: OCIReference.Selector {
        switch self {
        case .layout(let reference): reference.selector
        case .registry(let reference): reference.digest.map { .digest($0) } ?? .tag(reference.tag ?? "latest")
        }
    }

    /// The tag the reference names, if any (what a copy's destination is tagged): a registry
    /// reference with neither tag nor digest names `latest`.
    public var tag: String? {
        switch self {
        case .layout(let reference): if case .tag(let tag) = reference.selector { tag } else { nil }
        case .registry(let reference): reference.tag ?? (reference.digest == nil ? "latest" : nil)
        }
    }

    /// The registry (`host[:port]`) of a registry reference; nil for a layout.
    public var registry: String? {
        if case .registry(let reference) = self { return reference.registry }
        return nil
    }

    /// Opens the store: a layout (checked to be one; with `creating`, made when the directory is
    /// missing or empty) or a registry repository.
    public func open(registry options: RegistryOptions, creating: Bool = false) throws(ImageStoreError) -> any ImageStore {
        switch self {
        case .layout(let reference):
            creating ? LayoutStore(try OCIImageLayout.openOrCreate(path: reference.layout)) : try LayoutStore(path: reference.layout)
        case .registry(let reference): try RegistryStore(reference, options: options)
        }
    }

    /// The name an attestation's subject gets for `image`: the layout folder's name with the tag
    /// `index.json` gives the image, or `host/repository` (as `cosign attest` names it).
    public func subjectName(for image: OCIDescriptor) -> String {
        switch self {
        case .layout(let reference):
            let folder = URL(fileURLWithPath: reference.layout).standardizedFileURL.lastPathComponent
            return image.tag.map { "\(folder):\($0)" } ?? folder
        case .registry(let reference):
            return reference.location
        }
    }

    public var description: String {
        switch self {
        case .layout(let reference): reference.description
        case .registry(let reference): reference.description
        }
    }
}
