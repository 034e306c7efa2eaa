import Testing
@testable import SigstoreKit
import WireFormat

/// Errors echo outside text escaped and bounded: a bundle field cannot draw a fake
/// `Verified OK` on a terminal, and a 10 MB field is not printed whole.
@Suite struct UntrustedTextTests {
    static let overwrite = "\r\u{1b}[2K\nVerified OK"

    /// No scalar that moves the cursor, clears, reorders or breaks a line.
    static func isTerminalSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { s in
            s.value < 0x20 || (0x7F...0x9F).contains(s.value) || [0x2028, 0x2029, 0x200E, 0x200F, 0xFEFF].contains(s.value)
                || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
        }
    }

    @Test func quotedEscapesEveryNonPrintingScalar() {
        #expect(UntrustedText.quoted(Self.overwrite) == #""\r\u001b[2K\nVerified OK""#)
        #expect(UntrustedText.quoted("a\u{202E}b\u{2066}c\u{2028}d\u{85}e\u{7F}f\u{200B}g") ==
                #""a\u202eb\u2066c\u2028d\u0085e\u007ff\u200bg""#)
        #expect(UntrustedText.quoted("tab\tquote\"backslash\\") == #""tab\tquote\"backslash\\""#)
        #expect(UntrustedText.quoted("\u{E000}\u{F0000}") == #""\ue000\udb80\udc00""#)  // private use, as UTF-16
        #expect(UntrustedText.quoted("café ✓ 😀 Ω") == "\"café ✓ 😀 Ω\"")                  // printing text is kept
        #expect(UntrustedText.quoted("a\u{00A0}b") == #""a\u00a0b""#)                    // look-alike spaces too
    }

    @Test func quotedCutsLongValuesAndSaysSo() {
        let long = String(repeating: "x", count: 10_000_000)
        let quoted = UntrustedText.quoted(long)
        #expect(quoted == "\"" + String(repeating: "x", count: 200) + "…\" (10000000 bytes)")
        #expect(JSONError.quoted(long) == "\"" + String(repeating: "x", count: 64) + "…\" (10000000 bytes)")
    }

    @Test func escapedKeepsSafeTextAndBoundsTheRest() {
        #expect(UntrustedText.escaped("plain \"quoted\" text") == "plain \"quoted\" text")
        #expect(UntrustedText.escaped("x" + Self.overwrite) == #"x\r\u001b[2K\nVerified OK"#)
        let huge = UntrustedText.escaped(String(repeating: "\u{1b}", count: 1_000_000))
        #expect(Self.isTerminalSafe(huge))
        #expect(huge.unicodeScalars.count <= UntrustedText.messageLimit + 40)
        #expect(huge.hasSuffix("… (1000000 bytes)"))
    }

    @Test func errorTypesStoreEscapedMessages() {
        for message in [VerificationError(.identity, Self.overwrite).message, BundleError(Self.overwrite).message,
                        EntryError(.malformed, Self.overwrite).message, DSSEError(Self.overwrite).message,
                        TrustedRootError(Self.overwrite).message, TimestampError(Self.overwrite).message] {
            #expect(message == #"\r\u001b[2K\nVerified OK"#)
        }
    }

    /// A bundle whose entry kind carries terminal escapes: the verifier's error names the kind,
    /// escaped and quoted.
    @Test func aBundleFieldCannotDrawOnTheTerminal() async throws {
        var bundle = try RepositoryFixtures.RekorV2.bundle()
        bundle.verificationMaterial.tlogEntries[0].kind = Self.overwrite
        do {
            _ = try await RepositoryFixtures.RekorV2.verify(bundle)
            Issue.record("verified")
        } catch let error as VerificationError {
            #expect(error.step == .logEntryBody)
            #expect(error.message.contains(#""\r\u001b[2K\nVerified OK""#), "\(error.message)")
            #expect(Self.isTerminalSafe(error.description))
        }
    }

    @Test func aTenMegabyteFieldGivesABoundedMessage() async throws {
        var bundle = try RepositoryFixtures.RekorV2.bundle()
        bundle.verificationMaterial.tlogEntries[0].kind = Self.overwrite + String(repeating: "A", count: 10 << 20)
        do {
            _ = try await RepositoryFixtures.RekorV2.verify(bundle)
            Issue.record("verified")
        } catch let error as VerificationError {
            #expect(Self.isTerminalSafe(error.description))
            #expect(error.description.utf8.count < 1_000, "\(error.description.utf8.count) bytes")
            #expect(error.message.contains("(10485777 bytes)"), "\(error.message)")
        }
    }

    @Test func aCheckpointCannotDrawOnTheTerminal() async throws {
        var bundle = try RepositoryFixtures.RekorV2.bundle()
        let text = try #require(bundle.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint)
        bundle.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint =
            text.replacingOccurrences(of: "\n\n\u{2014} ", with: "\n\n\u{2014} \u{1b}]0;title\u{07}\u{202E}" + Self.overwrite + " ")
        do {
            _ = try await RepositoryFixtures.RekorV2.verify(bundle)
            Issue.record("verified")
        } catch let error as VerificationError {
            #expect(error.step == .checkpoint)
            #expect(Self.isTerminalSafe(error.description), "\(error.description)")
        }
    }
}
