import SigstoreKit
import WireFormat

/// An image manifest (OCI `manifest.md`), including OCI 1.1 artifact manifests: `artifactType`,
/// `config`, `layers`, optional `subject` (what it refers to) and `annotations`.
public struct OCIManifest: Sendable, Equatable {
    public var artifactType: String?
    public var config: OCIDescriptor
    public var layers: [OCIDescriptor]
    public var subject: OCIDescriptor?
    public var annotations: [String: String]

    public init(artifactType: String? = nil, config: OCIDescriptor, layers: [OCIDescriptor], subject: OCIDescriptor? = nil,
                annotations: [String: String] = [:]) {
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    /// Parses a manifest blob. `name` identifies it in errors.
    public init(parsing bytes: [UInt8], name: String) throws(ImageStoreError) {
        let members = try OCIDocument.object(bytes, name: name, mediaTypes: [OCIMediaType.imageManifest, OCIMediaType.dockerManifest])
        guard let config = members["config"] else { throw .malformed("manifest \(name) has no config") }
        guard let list = members["layers"]?.arrayValue else { throw .malformed("manifest \(name): layers must be an array") }
        var layers: [OCIDescriptor] = []
        for (k, layer) in list.enumerated() { layers.append(try OCIDescriptor(json: layer, path: "manifest \(name) layers[\(k)]")) }
        var artifactType: String?
        if let value = members["artifactType"] {
            guard let text = value.stringValue else { throw .malformed("manifest \(name): artifactType must be a string") }
            artifactType = text
        }
        self.init(artifactType: artifactType,
                  config: try OCIDescriptor(json: config, path: "manifest \(name) config"),
                  layers: layers,
                  subject: try members["subject"].map { v throws(ImageStoreError) in try OCIDescriptor(json: v, path: "manifest \(name) subject") },
                  annotations: try OCIDescriptor.annotations(members["annotations"], path: "manifest \(name) annotations"))
    }

    /// The manifest's JSON text as Sigil writes it (RFC 8785 canonical: compact, sorted members).
    public var encoded: [UInt8] {
        var members: [String: JSONValue] = [
            "schemaVersion": 2,
            "mediaType": .string(OCIMediaType.imageManifest),
            "config": config.json,
            "layers": .array(layers.map(\.json)),
        ]
        if let artifactType { members["artifactType"] = .string(artifactType) }
        if let subject { members["subject"] = subject.json }
        if !annotations.isEmpty { members["annotations"] = .object(annotations.mapValues { .string($0) }) }
        return CanonicalJSON.encode(.object(members))
    }

    /// The type of artifact this manifest holds: `artifactType`, else the config's media type
    /// (`manifest.md` §Guidelines for Artifact Usage).
    public var effectiveArtifactType: String { artifactType ?? config.mediaType }
}

/// An image index (OCI `image-index.md`), the form of a layout's `index.json` too.
public struct OCIIndex: Sendable, Equatable {
    public var manifests: [OCIDescriptor]
    /// The index as read, so a rewrite keeps members Sigil does not model.
    var json: [String: JSONValue]

    /// Parses an index blob or `index.json`.
    public init(parsing bytes: [UInt8], name: String) throws(ImageStoreError) {
        let members = try OCIDocument.object(bytes, name: name, mediaTypes: [OCIMediaType.imageIndex, OCIMediaType.dockerManifestList])
        guard let list = members["manifests"]?.arrayValue else { throw .malformed("\(name): manifests must be an array") }
        var manifests: [OCIDescriptor] = []
        for (k, entry) in list.enumerated() { manifests.append(try OCIDescriptor(json: entry, path: "\(name) manifests[\(k)]")) }
        self.manifests = manifests
        json = members
    }

    /// An index of `manifests`.
    public init(manifests: [OCIDescriptor]) {
        self.manifests = manifests
        json = ["schemaVersion": 2, "mediaType": .string(OCIMediaType.imageIndex)]
    }

    /// The index's JSON text with `manifests` as they are now; other members as read.
    public var encoded: [UInt8] {
        var members = json
        members["manifests"] = .array(manifests.map(\.json))
        return CanonicalJSON.encode(.object(members))
    }
}

/// Shared checks of manifests and indexes: a JSON object, `schemaVersion` 2, and a `mediaType`
/// (when present) of the expected kind.
enum OCIDocument {
    /// Manifests and indexes are small; the distribution spec has registries accept 4 MiB.
    static let maximumSize = 4 << 20

    static func object(_ bytes: [UInt8], name: String, mediaTypes: [String]) throws(ImageStoreError) -> [String: JSONValue] {
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch { throw .malformed("\(name) is not valid JSON: \(error)") }
        guard case .object(let members) = json else { throw .malformed("\(name) must be a JSON object") }
        guard members["schemaVersion"]?.integerValue == 2 else { throw .malformed("\(name): schemaVersion must be 2") }
        if let type = members["mediaType"] {
            guard let text = type.stringValue, mediaTypes.contains(text) else {
                throw .malformed("\(name): mediaType \(type.stringValue.map { JSONError.quoted($0) } ?? "(not a string)") is not \(mediaTypes[0])")
            }
        }
        return members
    }
}
