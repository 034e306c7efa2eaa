import Testing
@testable import SigstoreKit

/// A Rekor v2 entry's inclusion proof indexes the log itself, so its `logIndex` must be the
/// entry's (sigstore-go requires it). Otherwise a bundle could carry any index, e.g. another
/// bundle's, and still verify.
@Suite struct RekorV2LogIndexTests {
    @Test func theUnchangedBundleVerifies() async throws {
        let result = try await RepositoryFixtures.RekorV2.verify(try RepositoryFixtures.RekorV2.bundle())
        #expect(result.logEntries.first?.logIndex == 735)
    }

    @Test(arguments: [0, 734, 736, Int64(1) << 32 + 735, Int64.max])
    func aProofIndexOtherThanTheEntrysIsRefused(_ proofIndex: Int64) async throws {
        var bundle = try RepositoryFixtures.RekorV2.bundle()
        let original = try #require(bundle.verificationMaterial.tlogEntries[0].inclusionProof?.logIndex)
        #expect(original == 735)
        bundle.verificationMaterial.tlogEntries[0].inclusionProof?.logIndex = proofIndex
        await #expect(throws: VerificationError(.inclusionProof,
                                                "the inclusion proof's logIndex \(proofIndex) is not the entry's logIndex 735")) {
            _ = try await RepositoryFixtures.RekorV2.verify(bundle)
        }
    }
}
