import Foundation
import SigstoreKit
import WireFormat

/// An image in a layout directory, as the CLI names it: `DIR` (the layout's only image),
/// `DIR:tag` (the manifest whose `org.opencontainers.image.ref.name` is `tag`, as skopeo's
/// `oci:DIR:tag`), or `DIR@sha256:<hex>` (by digest, including a platform manifest of an index).
public struct OCIReference: Sendable, Equatable, CustomStringConvertible {
    public enum Selector: Sendable, Equatable {
        case only
        case tag(String)
        case digest(OCIDigest)
    }

    public let layout: String
    public let selector: Selector

    public init(layout: String, selector: Selector) {
        self.layout = layout
        self.selector = selector
    }

    /// Parses `text`. A string naming an existing directory is always that directory; otherwise
    /// `@` or `:` in the last path component starts the digest or tag.
    public init(parsing text: String) throws(ImageStoreError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue {
            self.init(layout: text, selector: .only)
            return
        }
        // Split on bytes: a `Character` search misses `@` or `:` followed by a combining mark.
        let bytes = Array(text.utf8)
        func slice(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        let componentStart = bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 } ?? 0
        let component = bytes[componentStart...]
        if let at = component.lastIndex(of: UInt8(ascii: "@")) {
            let value = slice(at + 1..<bytes.count)
            guard let digest = OCIDigest(value) else {
                throw .badReference("\(JSONError.quoted(text, limit: 200)): \(JSONError.quoted(value, limit: 200)) is not a digest (sha256:<64 lowercase hex>)")
            }
            self.init(layout: slice(0..<at), selector: .digest(digest))
        } else if let colon = component.lastIndex(of: UInt8(ascii: ":")) {
            let tag = slice(colon + 1..<bytes.count)
            guard !tag.isEmpty else { throw .badReference("\(text): the tag after ':' is empty") }
            self.init(layout: slice(0..<colon), selector: .tag(tag))
        } else {
            self.init(layout: text, selector: .only)
        }
        guard !layout.isEmpty else { throw .badReference("\(text): no layout directory before the tag or digest") }
    }

    public var description: String {
        switch selector {
        case .only: layout
        case .tag(let tag): "\(layout):\(tag)"
        case .digest(let digest): "\(layout)@\(digest)"
        }
    }
}
