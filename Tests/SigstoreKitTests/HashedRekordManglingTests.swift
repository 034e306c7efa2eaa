import SigstoreKit
import Testing

/// STYLE G14: valid entries taken apart byte by byte.
@Suite("hashedrekord and dsse bodies, mangled")
struct HashedRekordManglingTests {
    typealias F = RekorFixtures

    @Test("every single-byte deletion of a canonical body is rejected", arguments: [F.hashedRekordBody, F.dsseBody])
    func deletions(body: String) throws {
        let bytes = Array(body.utf8)
        _ = try RekorEntry.parseCanonicalBody(bytes)
        for k in bytes.indices {
            var mangled = bytes
            mangled.remove(at: k)
            #expect(throws: EntryError.self, "deleting byte \(k)") { try RekorEntry.parseCanonicalBody(mangled) }
        }
    }

    @Test("every truncation of a proposal is rejected")
    func truncations() {
        let proposal = F.hashedRekordProposal().bytes
        for n in 0..<proposal.count {
            #expect(throws: EntryError.self, "first \(n) bytes") { try RekorEntry.canonicalize(proposedEntry: proposal.prefix(n)) }
        }
    }

    @Test("changing any digit of the digest or any character of the signature is rejected")
    func substitutions() {
        let digest = Array(F.artifactSHA256)
        for k in digest.indices {
            var changed = digest
            changed[k] = changed[k] == "0" ? "1" : "0"
            #expect(throws: EntryError.self, "digest digit \(k)") {
                try RekorEntry.canonicalize(proposedEntry: F.hashedRekordProposal(digest: String(changed)).bytes)
            }
        }
        let signature = Array(F.signature)
        for k in signature.indices where signature[k] != "=" {
            var changed = signature
            changed[k] = changed[k] == "A" ? "B" : "A"
            #expect(throws: EntryError.self, "signature character \(k)") {
                try RekorEntry.canonicalize(proposedEntry: F.hashedRekordProposal(signature: String(changed)).bytes)
            }
        }
    }
}
