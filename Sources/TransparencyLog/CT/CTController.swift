import Foundation
import Hummingbird
import SwiftASN1
import Merkle
import SigstoreKit
import WireFormat

/// RFC 6962 §4 endpoints under `/ct/v1`.
struct CTController: Sendable {
    let service: CTLogService
    let maxRequestBytes: Int

    struct AddChainResponse: Encodable {
        let sct_version: Int
        let id: String
        let timestamp: UInt64
        let extensions: String
        let signature: String
    }
    struct STH: Encodable {
        let tree_size: Int64
        let timestamp: UInt64
        let sha256_root_hash: String
        let tree_head_signature: String
    }
    struct Consistency: Encodable { let consistency: [String] }
    struct AuditProof: Encodable { let leaf_index: Int64; let audit_path: [String] }
    struct Entries: Encodable { let entries: [Entry] }
    struct Entry: Encodable { let leaf_input: String; let extra_data: String }
    struct Roots: Encodable { let certificates: [String] }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/ct/v1/add-pre-chain") { request, _ in try await addPreChain(request) }
        router.post("/ct/v1/add-chain") { _, _ -> Response in
            throw LogError(.badRequest, "this log only accepts precertificates (add-pre-chain)")
        }
        router.get("/ct/v1/get-sth") { _, _ in
            let sth = try service.signedTreeHead()
            return try Reply.json(STH(tree_size: sth.treeSize, timestamp: sth.timestamp, sha256_root_hash: sth.rootHash.base64,
                                      tree_head_signature: StrictBase64.encode(sth.signature)))
        }
        router.get("/ct/v1/get-sth-consistency") { request, _ in
            let hashes = try await service.consistency(first: try LogInfoController.integer(request, "first"),
                                                 second: try LogInfoController.integer(request, "second"))
            return try Reply.json(Consistency(consistency: hashes.map(\.base64)))
        }
        router.get("/ct/v1/get-proof-by-hash") { request, _ in
            guard let text = request.uri.queryParameters.get("hash"), let hash = Hash(base64: text) else {
                throw LogError(.badRequest, "hash must be the base64 of a 32-byte leaf hash")
            }
            let proof = try await service.proof(leafHash: hash, treeSize: try LogInfoController.integer(request, "tree_size"))
            return try Reply.json(AuditProof(leaf_index: proof.index, audit_path: proof.path.map(\.base64)))
        }
        router.get("/ct/v1/get-entries") { request, _ in
            let entries = try await service.entries(start: try LogInfoController.integer(request, "start"),
                                              end: try LogInfoController.integer(request, "end"))
            return try Reply.json(Entries(entries: entries.map {
                Entry(leaf_input: StrictBase64.encode($0.body), extra_data: StrictBase64.encode($0.extra ?? []))
            }))
        }
        router.get("/ct/v1/get-roots") { _, _ in
            try Reply.json(Roots(certificates: try service.acceptedRoots.map { root in
                var serializer = DER.Serializer()
                try serializer.serialize(root)
                return StrictBase64.encode(serializer.serializedBytes)
            }))
        }
    }

    func addPreChain(_ request: Request) async throws -> Response {
        let body = try await request.collectBody(limit: maxRequestBytes)
        // Read with the strict parser like every request this log accepts (duplicate or look-alike
        // member names are refused); members other than `chain` are ignored, as RFC 6962 logs do.
        let usage = "request must be {\"chain\": [base64 DER certificates]}"
        guard let json = try? JSONValue(parsing: body), let texts = json["chain"]?.arrayValue else {
            throw LogError(.badRequest, usage)
        }
        let chain = try texts.enumerated().map { index, value in
            guard let text = value.stringValue else { throw LogError(.badRequest, usage) }
            guard let der = StrictBase64.decode(text) else { throw LogError(.badRequest, "chain[\(index)] is not base64") }
            return der
        }
        let sct = try await service.addPreChain(chain)
        let signature = try DigitallySigned.encode(signature: sct.signature, kind: service.publicKey.kind)
        return try Reply.json(AddChainResponse(sct_version: 0, id: StrictBase64.encode(sct.logID), timestamp: sct.timestamp,
                                               extensions: "", signature: StrictBase64.encode(signature)))
    }
}
