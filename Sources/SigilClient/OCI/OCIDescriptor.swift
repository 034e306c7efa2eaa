import SigstoreKit
import WireFormat

/// A content descriptor (OCI `descriptor.md`): media type, digest and size of a blob, with
/// optional annotations, artifact type and (in an index) platform. `json` keeps every member as
/// read, so rewriting `index.json` never drops fields Sigil does not know.
public struct OCIDescriptor: Sendable, Equatable {
    public var mediaType: String
    public var digest: OCIDigest
    public var size: Int64
    public var artifactType: String?
    public var annotations: [String: String]
    /// `platform` as read (an index's per-platform manifests), or nil.
    public var platform: JSONValue?
    /// Members other than the ones above, kept as read.
    var otherMembers: [String: JSONValue] = [:]

    public init(mediaType: String, digest: OCIDigest, size: Int64, artifactType: String? = nil,
                annotations: [String: String] = [:], platform: JSONValue? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
        self.platform = platform
    }

    /// The descriptor of `bytes` as a blob of `mediaType`.
    public init(mediaType: String, of bytes: [UInt8], artifactType: String? = nil, annotations: [String: String] = [:]) {
        self.init(mediaType: mediaType, digest: .sha256(of: bytes), size: Int64(bytes.count), artifactType: artifactType,
                  annotations: annotations)
    }

    /// The empty descriptor: `{}` as `application/vnd.oci.empty.v1+json`, 2 bytes.
    public static let empty = OCIDescriptor(mediaType: OCIMediaType.empty, of: emptyBlob)
    /// The content of the empty descriptor.
    public static let emptyBlob: [UInt8] = Array("{}".utf8)

    /// Reads a descriptor; `path` names it in errors (e.g. `index.json manifests[2]`).
    public init(json: JSONValue, path: String) throws(ImageStoreError) {
        guard case .object(var members) = json else { throw .malformed("\(path) must be an object") }
        guard let mediaType = members.removeValue(forKey: "mediaType")?.stringValue, !mediaType.isEmpty else {
            throw .malformed("\(path).mediaType must be a non-empty string")
        }
        guard let text = members.removeValue(forKey: "digest")?.stringValue, let digest = OCIDigest(text) else {
            throw .malformed("\(path).digest must be sha256:<64 lowercase hex> or sha512:<128 lowercase hex>")
        }
        guard let size = members.removeValue(forKey: "size")?.integerValue, size >= 0 else {
            throw .malformed("\(path).size must be a non-negative integer")
        }
        var artifactType: String?
        if let value = members.removeValue(forKey: "artifactType") {
            guard let text = value.stringValue else { throw .malformed("\(path).artifactType must be a string") }
            artifactType = text
        }
        let annotations = try Self.annotations(members.removeValue(forKey: "annotations"), path: "\(path).annotations")
        let platform = members.removeValue(forKey: "platform")
        if let platform, platform.objectValue == nil { throw .malformed("\(path).platform must be an object") }
        self.init(mediaType: mediaType, digest: digest, size: size, artifactType: artifactType, annotations: annotations,
                  platform: platform)
        otherMembers = members
    }

    /// An `annotations` map: string values only (`annotations.md` §Rules).
    static func annotations(_ value: JSONValue?, path: String) throws(ImageStoreError) -> [String: String] {
        guard let value else { return [:] }
        guard case .object(let members) = value else { throw .malformed("\(path) must be an object") }
        var out: [String: String] = [:]
        for (key, member) in members {
            guard let text = member.stringValue else { throw .malformed("\(path).\(key) must be a string") }
            out[key] = text
        }
        return out
    }

    public var json: JSONValue {
        var members = otherMembers
        members["mediaType"] = .string(mediaType)
        members["digest"] = .string(digest.description)
        members["size"] = .integer(size)
        if let artifactType { members["artifactType"] = .string(artifactType) }
        if !annotations.isEmpty { members["annotations"] = .object(annotations.mapValues { .string($0) }) }
        if let platform { members["platform"] = platform }
        return .object(members)
    }

    /// `os/architecture[/variant]` of an index entry, if it names one.
    public var platformName: String? {
        guard let os = platform?["os"]?.stringValue, let architecture = platform?["architecture"]?.stringValue else { return nil }
        return [os, architecture, platform?["variant"]?.stringValue].compactMap { $0 }.joined(separator: "/")
    }

    /// The tag a layout's `index.json` gives this manifest.
    public var tag: String? { annotations[OCIAnnotation.refName] }
}
