import Foundation
import SigilClient
import SigstoreKit

/// Opening `LAYOUT[:tag|@sha256:…]` for the image commands: every problem (not a layout, an
/// unknown tag, a missing or corrupt blob) becomes one clear message, before anything is written.
enum LayoutInput {
    struct Opened {
        var layout: OCIImageLayout
        let reference: OCIReference
        let image: OCIDescriptor

        /// The statement subject name for this image: the layout folder's name, with the tag.
        var subjectName: String {
            let folder = URL(fileURLWithPath: reference.layout).standardizedFileURL.lastPathComponent
            return image.tag.map { "\(folder):\($0)" } ?? folder
        }

        /// `LAYOUT@sha256:…` for `descriptor`, with its platform or tags.
        func describe(_ descriptor: OCIDescriptor) -> String {
            var text = "\(reference.layout)@\(descriptor.digest)"
            if let platform = descriptor.platformName { text += " (\(platform))" }
            let tags = layout.tags(of: descriptor.digest)
            if !tags.isEmpty { text += " [\(tags.joined(separator: ", "))]" }
            return text
        }
    }

    static func open(_ text: String) throws -> Opened {
        do {
            let reference = try OCIReference(parsing: text)
            let layout = try OCIImageLayout(path: reference.layout)
            return Opened(layout: layout, reference: reference, image: try layout.resolve(reference.selector))
        } catch {
            throw CLIError("\(text): \(error)")
        }
    }

    /// Runs a layout operation, naming the layout in its error.
    static func attempt<T>(_ text: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ImageStoreError { throw CLIError("\(text): \(error)") }
    }
}
