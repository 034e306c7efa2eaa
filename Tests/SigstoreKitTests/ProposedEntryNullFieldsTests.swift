import Crypto
import SigstoreKit
import Testing
import WireFormat

/// Real clients send JSON nulls for fields they leave out (sigstore-python's pydantic models send
/// `"signatures": null, "envelopeHash": null, "payloadHash": null` beside `proposedContent`).
@Suite struct ProposedEntryNullFieldsTests {
    @Test func dsseProposalWithNullServerFieldsIsAccepted() throws {
        let key = P256.Signing.PrivateKey()
        let payload = Array(#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x","predicate":{}}"#.utf8)
        let type = "application/vnd.in-toto+json"
        let pae = DSSEEnvelope.preAuthenticationEncoding(payloadType: type, payload: payload)
        let signature = Array(try key.signature(for: pae).derRepresentation)
        let envelope = DSSEEnvelope(payloadType: type, payload: payload, signatures: [.init(signature: signature)])
        let proposal = DSSEV001.proposedEntry(envelope: envelope, verifierPEMs: [key.publicKey.pemRepresentation + "\n"])
        guard case .object(var top) = try JSONValue(parsing: proposal), case .object(var spec) = top["spec"]! else {
            Issue.record("proposal is not an object")
            return
        }
        for field in ["signatures", "envelopeHash", "payloadHash"] { spec[field] = .null }
        top["spec"] = .object(spec)
        let canonical = try RekorEntry.canonicalize(proposedEntry: CanonicalJSON.encode(.object(top)))
        #expect(canonical.kind == "dsse")

        // A null where a value is required is still "missing".
        top["spec"] = .object(["proposedContent": .null])
        #expect(throws: EntryError.self) { try RekorEntry.canonicalize(proposedEntry: CanonicalJSON.encode(.object(top))) }
    }
}
