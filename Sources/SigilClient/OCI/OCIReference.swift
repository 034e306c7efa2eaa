import Foundation

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
    public init(parsing text: String) throws(OCILayoutError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue {
            self.init(layout: text, selector: .only)
            return
        }
        let componentStart = text.lastIndex(of: "/").map { text.index(after: $0) } ?? text.startIndex
        let component = text[componentStart...]
        if let at = component.lastIndex(of: "@") {
            let value = String(text[text.index(after: at)...])
            guard let digest = OCIDigest(value) else {
                throw .badReference("\(text): \(value) is not a digest (sha256:<64 lowercase hex>)")
            }
            self.init(layout: String(text[..<at]), selector: .digest(digest))
        } else if let colon = component.lastIndex(of: ":") {
            let tag = String(text[text.index(after: colon)...])
            guard !tag.isEmpty else { throw .badReference("\(text): the tag after ':' is empty") }
            self.init(layout: String(text[..<colon]), selector: .tag(tag))
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
