import Foundation
import SigilClient
import SigstoreKit
import WireFormat

/// Writes command results: human text on stdout, or JSON with `--json`; diagnostics on stderr.
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Rewrites one status line on stderr; `done` ends it.
    static func progress(_ text: String, done: Bool) {
        FileHandle.standardError.write(Data(("\r" + text + (done ? "\n" : "")).utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Signing results' notices on stderr (with `--json` too: they are not results), each
    /// distinct one once: the platforms of one image share their log's answer.
    static func notices(of results: [SigningResult]) {
        var printed: [String] = []
        for notice in results.flatMap(\.notices) where !printed.containsExactly(notice) {
            printed.append(notice)
            note("note: \(notice)")
        }
    }
}

/// A failure the CLI reports as one message on stderr with exit status 1. The message often
/// embeds bundle, certificate or server text, so it is stored through `UntrustedText.escaped`:
/// no control character reaches the terminal (a `\r` + `Verified OK` cannot overwrite the error)
/// and no message is unbounded.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = UntrustedText.escaped(description) }
}
