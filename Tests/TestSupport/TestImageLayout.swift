import Crypto
import Foundation
import SigstoreKit
import WireFormat

/// Small OCI image layouts built in code for tests (OCI image-spec v1.1 `image-layout.md`):
/// `oci-layout`, `index.json` and `blobs/sha256/<hex>`, with the spec's media types and real
/// digests and sizes. Written with plain JSON and SHA-256, independently of Sigil's OCI code,
/// so tests can check that code against it.
public struct TestImageLayout: Sendable {
    public static let manifestType = "application/vnd.oci.image.manifest.v1+json"
    public static let indexType = "application/vnd.oci.image.index.v1+json"

    public let path: String

    /// A descriptor, as JSON, and its digest.
    public struct Blob: Sendable {
        public let json: JSONValue
        public let digest: String
    }

    /// Creates an empty layout at `path`.
    public init(emptyAt path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path + "/blobs/sha256", withIntermediateDirectories: true)
        try Data("{\"imageLayoutVersion\":\"1.0.0\"}".utf8).write(to: URL(fileURLWithPath: path + "/oci-layout"))
        try writeIndex([])
    }

    /// A layout holding one image index tagged `index` (linux/amd64 and linux/arm64 manifests)
    /// and one single-platform image tagged `app`.
    public typealias Sample = (layout: TestImageLayout, index: Blob, platforms: [Blob], app: Blob)

    public static func sample(at path: String) throws -> Sample {
        let layout = try TestImageLayout(emptyAt: path)
        let amd64 = try layout.image(architecture: "amd64", layer: "amd64 layer")
        let arm64 = try layout.image(architecture: "arm64", layer: "arm64 layer")
        let platforms = [amd64, arm64].enumerated().map { k, blob in
            Blob(json: blob.json.merging(["platform": ["os": "linux", "architecture": .string(["amd64", "arm64"][k])]]), digest: blob.digest)
        }
        let index = try layout.put(["schemaVersion": 2, "mediaType": .string(indexType), "manifests": .array(platforms.map(\.json))],
                                   mediaType: indexType)
        let app = try layout.image(architecture: "amd64", layer: "app layer")
        try layout.writeIndex([index.json.merging(["annotations": ["org.opencontainers.image.ref.name": "index"]]),
                               app.json.merging(["annotations": ["org.opencontainers.image.ref.name": "app"]])])
        return (layout, index, platforms, app)
    }

    /// Stores `bytes` as a blob; returns `sha256:<hex>` and the size.
    @discardableResult
    public func putBlob(_ bytes: [UInt8]) throws -> (digest: String, size: Int) {
        let hex = LowercaseHex.encode(SHA256.hash(data: bytes))
        try Data(bytes).write(to: URL(fileURLWithPath: path + "/blobs/sha256/" + hex))
        return ("sha256:" + hex, bytes.count)
    }

    /// Stores a JSON document (pretty-printed, as other tools write them) and returns its descriptor.
    public func put(_ document: JSONValue, mediaType: String) throws -> Blob {
        let text = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(CanonicalJSON.encode(document))),
                                              options: [.prettyPrinted, .sortedKeys])
        let (digest, size) = try putBlob(Array(text))
        return Blob(json: ["mediaType": .string(mediaType), "digest": .string(digest), "size": .integer(Int64(size))], digest: digest)
    }

    /// An image manifest with a config and one layer.
    public func image(architecture: String, layer: String) throws -> Blob {
        let config = try put(["architecture": .string(architecture), "os": "linux", "rootfs": ["type": "layers", "diff_ids": []]],
                             mediaType: "application/vnd.oci.image.config.v1+json")
        let (layerDigest, layerSize) = try putBlob(Array(layer.utf8))
        let layerDescriptor: JSONValue = ["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": .string(layerDigest),
                                          "size": .integer(Int64(layerSize))]
        return try put(["schemaVersion": 2, "mediaType": .string(Self.manifestType), "config": config.json, "layers": [layerDescriptor]],
                       mediaType: Self.manifestType)
    }

    public func writeIndex(_ manifests: [JSONValue]) throws {
        let index: JSONValue = ["schemaVersion": 2, "mediaType": .string(Self.indexType), "manifests": .array(manifests)]
        try Data(CanonicalJSON.encode(index)).write(to: URL(fileURLWithPath: path + "/index.json"))
    }

    /// The layout's `index.json`, parsed.
    public func index() throws -> JSONValue {
        try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path + "/index.json"))))
    }

    /// A blob's bytes, with its digest checked.
    public func blob(_ digest: String) throws -> [UInt8] {
        guard digest.hasPrefix("sha256:") else { throw TestLayoutError("\(digest) is not sha256") }
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path + "/blobs/sha256/" + digest.dropFirst(7))))
        guard "sha256:" + LowercaseHex.encode(SHA256.hash(data: bytes)) == digest else { throw TestLayoutError("\(digest) does not match its content") }
        return bytes
    }

    /// Every file under the layout and the SHA-256 of its content, to show a command left it unchanged.
    public func snapshot() -> [String: String] {
        var out: [String: String] = [:]
        let root = URL(fileURLWithPath: path)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in walker {
            guard let data = try? Data(contentsOf: url) else { continue }
            out[String(url.path.dropFirst(root.path.count))] = LowercaseHex.encode(SHA256.hash(data: data))
        }
        return out
    }
}

public struct TestLayoutError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension JSONValue {
    /// This object with `other`'s members added (replacing same-named ones).
    public func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var members) = self, case .object(let more) = other else { return self }
        for (key, value) in more { members[key] = value }
        return .object(members)
    }
}
