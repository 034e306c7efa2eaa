import Crypto
import Testing
@testable import SigstoreKit
import WireFormat

/// `PEMDecoding`: any base64 line length (as Go's encoding/pem), nothing around the blocks,
/// nothing but base64 inside them.
@Suite struct PEMDecodingTests {
    static let der: [UInt8] = Array(P256.Signing.PrivateKey().publicKey.derRepresentation)
    static let canonical = PEMEncoding.encode(der, label: "PUBLIC KEY")

    /// `canonical` re-wrapped at `width` characters, with `eol` line endings.
    static func wrapped(_ width: Int, eol: String = "\n", finalNewline: Bool = true) -> String {
        let body = Array(StrictBase64.encode(der))
        let lines = stride(from: 0, to: body.count, by: width).map { String(body[$0..<min($0 + width, body.count)]) }
        let text = (["-----BEGIN PUBLIC KEY-----"] + lines + ["-----END PUBLIC KEY-----"]).joined(separator: eol)
        return finalNewline ? text + eol : text
    }

    @Test(arguments: [
        ("64-character lines", wrapped(64)),
        ("76-character lines", wrapped(76)),
        ("one long line", wrapped(10_000)),
        ("4-character lines", wrapped(4)),
        ("CRLF", wrapped(64, eol: "\r\n")),
        ("no final newline", wrapped(64, finalNewline: false)),
        ("blank lines after the block", wrapped(64) + "\n\r\n"),
    ])
    func accepted(_ name: String, _ text: String) throws {
        let block = try PEMDecoding.block(in: text, label: "PUBLIC KEY")
        #expect(block.der == Self.der, "\(name)")
        #expect(block.canonicalText == Self.canonical, "\(name)")
    }

    /// The range of the line break after the first base64 line of `wrapped(32)`.
    static let bareCRRange: Range<String.Index> = {
        let text = wrapped(32)
        let start = text.index(text.startIndex, offsetBy: "-----BEGIN PUBLIC KEY-----\n".count + 32)
        return start..<text.index(after: start)
    }()

    @Test(arguments: [
        ("text before", "hello\n" + wrapped(64), "text before the PEM block"),
        ("a space before", " " + wrapped(64), "text before the PEM block"),
        ("blank line before", "\n" + wrapped(64), "text before the PEM block"),
        ("text after", wrapped(64) + "trailing text\n", "text after the PEM block"),
        ("text after on the END line", wrapped(64, finalNewline: false) + " x", "does not end with"),
        ("a header", wrapped(64).replacingOccurrences(of: "-----\n", with: "-----\nProc-Type: 4,ENCRYPTED\n", options: [], range: nil),
         "not base64"),
        ("a blank line inside", wrapped(32).replacingOccurrences(of: "-----\n", with: "-----\n\n"), "blank line"),
        ("a space inside", wrapped(64).replacingOccurrences(of: "\nMF", with: "\n MF"), "not base64"),
        ("padding in the middle", "-----BEGIN PUBLIC KEY-----\nAA==\nAAAA\n-----END PUBLIC KEY-----\n", "not valid base64"),
        ("non-canonical padding bits", "-----BEGIN PUBLIC KEY-----\nAB==\n-----END PUBLIC KEY-----\n", "not valid base64"),
        ("empty body", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", "not valid base64"),
        ("mismatched END", wrapped(64).replacingOccurrences(of: "END PUBLIC", with: "END PRIVATE"), "does not end with"),
        ("no END", String(wrapped(64).prefix(100)), "no END line"),
        ("a bare CR inside", wrapped(32).replacingOccurrences(of: "\n", with: "\r", options: [], range: bareCRRange), "not base64"),
        ("nothing", "", "text before"),
    ])
    func refused(_ name: String, _ text: String, _ reason: String) {
        #expect(throws: PEMError.self, "\(name)") { try PEMDecoding.blocks(in: text) }
        do {
            _ = try PEMDecoding.blocks(in: text)
        } catch {
            #expect(error.message.contains(reason), "\(name): \(error.message)")
        }
    }

    @Test func twoBlocksAreNotOne() throws {
        let two = Self.canonical + "\n" + Self.canonical
        #expect(try PEMDecoding.blocks(in: two).count == 2)
        #expect(throws: PEMError("expected one PEM block, found 2")) { try PEMDecoding.block(in: two) }
    }

    @Test func wrongLabelIsNamedEscaped() {
        let text = Self.canonical.replacingOccurrences(of: "PUBLIC KEY", with: "CERTIFICATE")
        #expect(throws: PEMError(#"expected a PEM PUBLIC KEY block, found "CERTIFICATE""#)) {
            try PEMDecoding.block(in: text, label: "PUBLIC KEY")
        }
    }
}
